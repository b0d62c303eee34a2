using System.Globalization;
using Fluid.Ast;
using Fluid.Values;
using Orkestra.Templating.Evaluation;
using Orkestra.Templating.Functions;
using Orkestra.Templating.Values;

namespace Orkestra.Templating.Syntax;

/// <summary>What parsing produced: the statements, and facts the compiler records about them.</summary>
internal sealed record ParseOutput(List<Statement> Statements, HashSet<string> Functions, HashSet<string> RootFields, bool TextIsBlank);

/// <summary>
/// Recursive-descent parser for Go text/template syntax that builds Fluid AST nodes directly. Resolves every
/// function against the registry at parse time (unknown function, wrong argument count and undefined variable
/// are parse errors, at their position). Per call; not thread-safe.
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private readonly FunctionRegistry _functions;
    private readonly List<HashSet<string>> _scopes = [new(StringComparer.Ordinal) { "$" }];
    private readonly HashSet<string> _usedFunctions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _rootFields = new(StringComparer.Ordinal);
    private int _index;
    private int _rangeDepth;
    private bool _topLevelTextBlank = true;

    private Parser(List<Token> tokens, FunctionRegistry functions)
    {
        _tokens = tokens;
        _functions = functions;
    }

    public static ParseOutput Parse(string source, FunctionRegistry functions)
    {
        var parser = new Parser(Lexer.Tokenize(source), functions);
        var statements = parser.ParseList(topLevel: true);
        return new ParseOutput(statements, parser._usedFunctions, parser._rootFields, parser._topLevelTextBlank);
    }

    private Token Peek(int ahead = 0) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];
    private Token Next() => _tokens[Math.Min(_index++, _tokens.Count - 1)];

    private Token Expect(TokenKind kind, string context)
    {
        var token = Next();
        if (token.Kind != kind) throw Unexpected(token, context);
        return token;
    }

    private static TemplateSyntaxException Unexpected(Token token, string context) => token.Kind switch
    {
        TokenKind.Eof => new TemplateSyntaxException(token.Offset, 0, $"unexpected EOF in {context}"),
        _ => new TemplateSyntaxException(token.Offset, Math.Max(1, token.Length), $"unexpected {Describe(token)} in {context}"),
    };

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.RightDelim => "\"}}\"",
        TokenKind.LeftDelim => "\"{{\"",
        TokenKind.Text => "text",
        TokenKind.String or TokenKind.RawString => $"quoted string",
        _ => $"\"{token.Text}\"",
    };

    private bool AtKeyword(TokenKind keyword) => Peek().Kind == TokenKind.LeftDelim && Peek(1).Kind == keyword;

    /// <summary>
    /// Blocks and parenthesised pipelines nest at most this deep: the parser, the evaluator and the load-time analyses
    /// recurse once per level, so a deeper template is a syntax error rather than a stack overflow.
    /// </summary>
    public const int MaxNesting = 100;

    private int _nesting;

    private List<Statement> ParseList(bool topLevel)
    {
        Enter();
        try
        {
            return ParseListBody(topLevel);
        }
        finally
        {
            _nesting--;
        }
    }

    private void Enter()
    {
        if (++_nesting <= MaxNesting) return;
        var token = Peek();
        throw new TemplateSyntaxException(token.Offset, Math.Max(1, token.Length),
            $"template nested too deeply: more than {MaxNesting} levels of blocks and parentheses");
    }

    private List<Statement> ParseListBody(bool topLevel)
    {
        var statements = new List<Statement>();
        while (true)
        {
            var token = Peek();
            switch (token.Kind)
            {
                case TokenKind.Eof:
                    return statements;
                case TokenKind.Text:
                    Next();
                    if (topLevel && !string.IsNullOrWhiteSpace(token.Text)) _topLevelTextBlank = false;
                    statements.Add(new TextSpanStatement(token.Text));
                    continue;
                case TokenKind.LeftDelim:
                    var keyword = Peek(1);
                    if (keyword.Kind is TokenKind.End or TokenKind.Else)
                    {
                        if (topLevel) throw new TemplateSyntaxException(keyword.Offset, keyword.Length,
                            $"unexpected {{{{{keyword.Text}}}}}");
                        return statements;
                    }
                    Next();
                    statements.Add(ParseAction(token.Offset));
                    continue;
                default:
                    throw Unexpected(token, "template");
            }
        }
    }

    private Statement ParseAction(int offset)
    {
        var token = Peek();
        switch (token.Kind)
        {
            case TokenKind.If:
                Next();
                return ParseConditional(offset, isWith: false);
            case TokenKind.With:
                Next();
                return ParseConditional(offset, isWith: true);
            case TokenKind.Range:
                Next();
                return ParseRange(offset);
            case TokenKind.Break or TokenKind.Continue:
                Next();
                if (_rangeDepth == 0)
                    throw new TemplateSyntaxException(token.Offset, token.Length, $"{{{{{token.Text}}}}} outside {{{{range}}}}");
                Expect(TokenKind.RightDelim, token.Text);
                return new GoLoopControlStatement(offset, token.Kind == TokenKind.Break);
            case TokenKind.Define or TokenKind.Template or TokenKind.Block:
                throw new TemplateSyntaxException(token.Offset, token.Length, $"not supported: {token.Text}");
            default:
                var pipeline = ParsePipeline("command", allowDeclaration: true, allowTwoVariables: false);
                Expect(TokenKind.RightDelim, "command");
                return new GoOutputStatement(offset, pipeline);
        }
    }

    private Statement ParseConditional(int offset, bool isWith)
    {
        var name = isWith ? "with" : "if";
        _scopes.Add(new HashSet<string>(StringComparer.Ordinal));
        var branches = new List<Branch>();
        List<Statement>? elseBody = null;
        var condition = ParsePipeline(name, allowDeclaration: true, allowTwoVariables: false);
        Expect(TokenKind.RightDelim, name);
        branches.Add(new Branch(condition, ParseList(topLevel: false)));
        while (true)
        {
            if (Peek().Kind == TokenKind.Eof)
                throw new TemplateSyntaxException(offset, 2, $"unexpected EOF: missing {{{{end}}}} for {{{{{name}}}}}");
            Next(); // {{
            var keyword = Next();
            if (keyword.Kind == TokenKind.End)
            {
                Expect(TokenKind.RightDelim, "end");
                break;
            }
            // else
            if (Peek().Kind == (isWith ? TokenKind.With : TokenKind.If))
            {
                Next();
                var next = ParsePipeline(name, allowDeclaration: true, allowTwoVariables: false);
                Expect(TokenKind.RightDelim, name);
                branches.Add(new Branch(next, ParseList(topLevel: false)));
                continue;
            }
            Expect(TokenKind.RightDelim, "else");
            elseBody = ParseList(topLevel: false);
            ExpectEnd(offset, name);
            break;
        }
        _scopes.RemoveAt(_scopes.Count - 1);
        return isWith ? new GoWithStatement(offset, branches, elseBody) : new GoIfStatement(offset, branches, elseBody);
    }

    private void ExpectEnd(int offset, string name)
    {
        if (Peek().Kind == TokenKind.Eof)
            throw new TemplateSyntaxException(offset, 2, $"unexpected EOF: missing {{{{end}}}} for {{{{{name}}}}}");
        Next();
        var keyword = Next();
        if (keyword.Kind != TokenKind.End)
            throw new TemplateSyntaxException(keyword.Offset, keyword.Length,
                $"expected {{{{end}}}} after {{{{else}}}}, found {Describe(keyword)}");
        Expect(TokenKind.RightDelim, "end");
    }

    private Statement ParseRange(int offset)
    {
        _scopes.Add(new HashSet<string>(StringComparer.Ordinal));
        _rangeDepth++;
        var pipeline = ParsePipeline("range", allowDeclaration: true, allowTwoVariables: true);
        Expect(TokenKind.RightDelim, "range");
        string? keyVar = null, valueVar = null;
        if (pipeline.Variables.Length == 2) { keyVar = pipeline.Variables[0]; valueVar = pipeline.Variables[1]; }
        else if (pipeline.Variables.Length == 1) valueVar = pipeline.Variables[0];
        var collection = new PipelineExpression(pipeline.Offset, pipeline.Commands, [], false);
        var body = ParseList(topLevel: false);
        _rangeDepth--;
        List<Statement>? elseBody = null;
        if (Peek().Kind == TokenKind.Eof) throw new TemplateSyntaxException(offset, 2, "unexpected EOF: missing {{end}} for {{range}}");
        Next();
        var keyword = Next();
        if (keyword.Kind == TokenKind.Else)
        {
            Expect(TokenKind.RightDelim, "else");
            elseBody = ParseList(topLevel: false);
            ExpectEnd(offset, "range");
        }
        else
        {
            Expect(TokenKind.RightDelim, "end");
        }
        _scopes.RemoveAt(_scopes.Count - 1);
        return new GoRangeStatement(offset, collection, keyVar, valueVar, body, elseBody);
    }

    private bool IsDefined(string variable) => _scopes.Any(s => s.Contains(variable));

    private PipelineExpression ParsePipeline(string context, bool allowDeclaration, bool allowTwoVariables)
    {
        Enter();
        try
        {
            return ParsePipelineBody(context, allowDeclaration, allowTwoVariables);
        }
        finally
        {
            _nesting--;
        }
    }

    private PipelineExpression ParsePipelineBody(string context, bool allowDeclaration, bool allowTwoVariables)
    {
        var start = Peek().Offset;
        var variables = new List<string>();
        var isAssignment = false;
        if (allowDeclaration && Peek().Kind == TokenKind.Variable)
        {
            if (Peek(1).Kind is TokenKind.Declare or TokenKind.Assign)
            {
                variables.Add(Next().Text);
                isAssignment = Next().Kind == TokenKind.Assign;
            }
            else if (allowTwoVariables && Peek(1).Kind == TokenKind.Comma && Peek(2).Kind == TokenKind.Variable
                && Peek(3).Kind == TokenKind.Declare)
            {
                variables.Add(Next().Text);
                Next();
                variables.Add(Next().Text);
                Next();
            }
        }
        if (isAssignment && !IsDefined(variables[0]))
            throw new TemplateSyntaxException(start, variables[0].Length, $"undefined variable: {variables[0]}");

        var commands = new List<GoCommand>();
        while (true)
        {
            var token = Peek();
            if (token.Kind is TokenKind.RightDelim or TokenKind.RightParen or TokenKind.Eof or TokenKind.Pipe)
            {
                throw token.Kind == TokenKind.Pipe || commands.Count > 0
                    ? new TemplateSyntaxException(token.Offset, Math.Max(1, token.Length), $"missing command after \"|\" in {context}")
                    : new TemplateSyntaxException(token.Offset, Math.Max(1, token.Length), $"missing value for {context}");
            }
            commands.Add(ParseCommand(context, hasPipedArgument: commands.Count > 0));
            if (Peek().Kind != TokenKind.Pipe) break;
            Next();
        }
        if (!isAssignment)
        {
            foreach (var v in variables) _scopes[^1].Add(v);
        }
        return new PipelineExpression(start, commands.ToArray(), variables.ToArray(), isAssignment);
    }

    private static bool EndsCommand(Token token) =>
        token.Kind is TokenKind.Pipe or TokenKind.RightDelim or TokenKind.RightParen or TokenKind.Eof;

    private GoCommand ParseCommand(string context, bool hasPipedArgument)
    {
        var head = Peek();
        if (head.Kind == TokenKind.Identifier)
        {
            Next();
            var args = new List<GoExpression>();
            while (!EndsCommand(Peek())) args.Add(ParseOperand(context));
            return MakeCall(head, args, hasPipedArgument);
        }
        var operand = ParseOperand(context);
        if (!EndsCommand(Peek()))
        {
            var extra = Peek();
            throw new TemplateSyntaxException(extra.Offset, Math.Max(1, extra.Length),
                $"can't give argument to non-function {SourceOf(head)}");
        }
        return new ValueCommand(head.Offset, operand);
    }

    private static string SourceOf(Token token) => token.Kind switch
    {
        TokenKind.Field => "." + token.Text,
        _ => token.Text,
    };

    private GoCommand MakeCall(Token name, List<GoExpression> args, bool hasPipedArgument)
    {
        if (!_functions.TryGet(name.Text, out var function))
            throw new TemplateSyntaxException(name.Offset, name.Length, $"function \"{name.Text}\" not defined");
        var count = args.Count + (hasPipedArgument ? 1 : 0);
        if (!function.AcceptsArgCount(count))
        {
            var want = function.MaxArgs == FunctionDescriptor.Variadic ? $"at least {function.MinArgs}"
                : function.MinArgs == function.MaxArgs ? function.MinArgs.ToString(CultureInfo.InvariantCulture)
                : $"{function.MinArgs} to {function.MaxArgs}";
            throw new TemplateSyntaxException(name.Offset, name.Length, $"wrong number of args for {name.Text}: want {want} got {count}");
        }
        _usedFunctions.Add(name.Text);
        if (name.Text is "and" or "or" && !function.UserDefined)
            return new ShortCircuitCommand(name.Offset, name.Text == "and", args.ToArray());
        return new FunctionCommand(name.Offset, name.Text, function, args.ToArray());
    }

    private GoExpression ParseOperand(string context)
    {
        var token = Next();
        GoExpression term;
        switch (token.Kind)
        {
            case TokenKind.Field:
                _rootFields.Add(token.Text);
                return ParseChain(token.Offset, null, [token.Text], token);
            case TokenKind.Dot:
                term = new DotExpression(token.Offset);
                break;
            case TokenKind.Variable:
                if (!IsDefined(token.Text))
                    throw new TemplateSyntaxException(token.Offset, token.Length, $"undefined variable: {token.Text}");
                term = new VariableExpression(token.Offset, token.Text);
                if (token.Text == "$" && Peek().Kind == TokenKind.Field && Adjacent(token, Peek())) _rootFields.Add(Peek().Text);
                break;
            case TokenKind.String or TokenKind.RawString:
                return new ConstantExpression(token.Offset, GoValues.String(token.Text));
            case TokenKind.Char:
                return new ConstantExpression(token.Offset, GoValues.Number(long.Parse(token.Text, CultureInfo.InvariantCulture)));
            case TokenKind.Number:
                return new ConstantExpression(token.Offset, ParseNumber(token));
            case TokenKind.Bool:
                return new ConstantExpression(token.Offset, GoValues.Bool(token.Text == "true"));
            case TokenKind.Nil:
                return new ConstantExpression(token.Offset, NilValue.Instance);
            case TokenKind.LeftParen:
                var inner = ParsePipeline("parenthesized pipeline", allowDeclaration: false, allowTwoVariables: false);
                var close = Expect(TokenKind.RightParen, "parenthesized pipeline");
                term = inner;
                token = close;
                break;
            case TokenKind.Identifier:
                // A function used as an argument is called with no arguments.
                return new PipelineExpression(token.Offset, [MakeCall(token, [], false)], [], false);
            default:
                throw Unexpected(token, context == "command" ? "operand" : context);
        }
        var fields = new List<string>();
        return ParseChain(term.Offset, term, fields, token);
    }

    private static bool Adjacent(Token a, Token b) => a.Offset + a.Length == b.Offset;

    private GoExpression ParseChain(int offset, GoExpression? receiver, List<string> fields, Token last)
    {
        while (Peek().Kind == TokenKind.Field && Adjacent(last, Peek()))
        {
            last = Next();
            fields.Add(last.Text);
        }
        if (fields.Count == 0) return receiver!;
        return new FieldChainExpression(offset, receiver, fields.ToArray());
    }

    private static FluidValue ParseNumber(Token token)
    {
        var text = token.Text.Replace("_", "", StringComparison.Ordinal);
        var negative = text.StartsWith('-');
        var digits = text.TrimStart('+', '-');
        long value;
        bool ok;
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            ok = long.TryParse(digits.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        else if (digits.StartsWith("0b", StringComparison.OrdinalIgnoreCase))
            ok = TryParseBase(digits[2..], 2, out value);
        else if (digits.StartsWith("0o", StringComparison.OrdinalIgnoreCase))
            ok = TryParseBase(digits[2..], 8, out value);
        else if (digits.Length > 1 && digits[0] == '0' && digits.All(char.IsAsciiDigit))
            ok = TryParseBase(digits[1..], 8, out value);
        else if (digits.All(char.IsAsciiDigit))
            ok = long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        else
        {
            if (decimal.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !digits.EndsWith('.')
                || digits.EndsWith('.') && decimal.TryParse(digits + "0", NumberStyles.Float, CultureInfo.InvariantCulture, out d))
                return GoValues.Number(negative ? -d : d);
            throw new TemplateSyntaxException(token.Offset, token.Length, $"bad number syntax: \"{token.Text}\"");
        }
        if (!ok) throw new TemplateSyntaxException(token.Offset, token.Length, $"bad number syntax: \"{token.Text}\"");
        return GoValues.Number(negative ? -value : value);
    }

    private static bool TryParseBase(string digits, int radix, out long value)
    {
        value = 0;
        if (digits.Length == 0) return false;
        foreach (var c in digits)
        {
            var d = c - '0';
            if (d < 0 || d >= radix) return false;
            value = checked(value * radix + d);
        }
        return true;
    }
}
