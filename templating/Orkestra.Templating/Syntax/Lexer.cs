using System.Globalization;
using System.Text;

namespace Orkestra.Templating.Syntax;

internal enum TokenKind
{
    Text, LeftDelim, RightDelim, Eof,
    Identifier, Field, Variable, Dot,
    String, RawString, Char, Number, Bool, Nil,
    Pipe, LeftParen, RightParen, Declare, Assign, Comma,
    If, Else, End, Range, With, Break, Continue, Define, Template, Block,
}

/// <summary>One token: its kind, its text (decoded for strings), and where it starts in the source.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Offset, int Length);

/// <summary>A syntax error at an offset of the template source.</summary>
internal sealed class TemplateSyntaxException(int offset, int length, string message) : Exception(message)
{
    public int Offset { get; } = offset;
    public int Length { get; } = length;
}

/// <summary>
/// Splits template text into tokens, Go text/template style: text outside actions, and inside <c>{{ }}</c>
/// identifiers, fields, variables, literals and punctuation. Handles <c>{{-</c>/<c>-}}</c> trimming (the adjacent
/// text loses its surrounding white space) and drops comments. Per call; not thread-safe.
/// </summary>
internal sealed class Lexer
{
    private readonly string _src;
    private int _pos;
    private readonly List<Token> _tokens = [];

    private Lexer(string source) => _src = source;

    public static List<Token> Tokenize(string source)
    {
        var lexer = new Lexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        var trimNextText = false;
        while (_pos < _src.Length)
        {
            var open = _src.IndexOf("{{", _pos, StringComparison.Ordinal);
            var textEnd = open < 0 ? _src.Length : open;
            var text = _src[_pos..textEnd];
            var textStart = _pos;
            var trimLeftOfAction = open >= 0 && open + 2 < _src.Length && _src[open + 2] == '-'
                && open + 3 < _src.Length && IsSpace(_src[open + 3]);
            if (trimNextText) { var before = text.Length; text = text.TrimStart(' ', '\t', '\r', '\n'); textStart += before - text.Length; }
            if (trimLeftOfAction) text = text.TrimEnd(' ', '\t', '\r', '\n');
            if (text.Length > 0) _tokens.Add(new Token(TokenKind.Text, text, textStart, text.Length));
            if (open < 0) { _pos = _src.Length; break; }
            _pos = open + 2;
            if (trimLeftOfAction) _pos += 2;
            trimNextText = LexAction(open);
        }
        _tokens.Add(new Token(TokenKind.Eof, "", _src.Length, 0));
    }

    /// <summary>Lexes one action starting after its left delimiter; returns whether it ended with <c>-}}</c>.</summary>
    private bool LexAction(int actionStart)
    {
        // Comments: {{/* ... */}} (with optional trim markers around).
        var afterSpace = _pos;
        while (afterSpace < _src.Length && IsSpace(_src[afterSpace]) && _src[actionStart + 2] == '-') afterSpace++;
        if (StartsWith(afterSpace, "/*"))
        {
            var close = _src.IndexOf("*/", afterSpace + 2, StringComparison.Ordinal);
            if (close < 0) throw new TemplateSyntaxException(actionStart, 2, "unclosed comment");
            _pos = close + 2;
            var trimRight = false;
            var p = _pos;
            while (p < _src.Length && IsSpace(_src[p])) p++;
            if (StartsWith(p, "-}}") && p > _pos) { trimRight = true; p += 3; }
            else if (StartsWith(_pos, "}}")) p = _pos + 2;
            else throw new TemplateSyntaxException(close, 2, "comment ends before closing delimiter");
            _pos = p;
            return trimRight;
        }

        _tokens.Add(new Token(TokenKind.LeftDelim, "{{", actionStart, 2));
        var parenDepth = 0;
        while (true)
        {
            if (_pos >= _src.Length) throw new TemplateSyntaxException(actionStart, 2, "unclosed action");
            var c = _src[_pos];
            if (IsSpace(c))
            {
                var spaceStart = _pos;
                while (_pos < _src.Length && IsSpace(_src[_pos])) _pos++;
                if (StartsWith(_pos, "-}}"))
                {
                    _tokens.Add(new Token(TokenKind.RightDelim, "}}", _pos, 3));
                    _pos += 3;
                    return true;
                }
                if (spaceStart == _pos) _pos++;
                continue;
            }
            if (StartsWith(_pos, "}}"))
            {
                if (parenDepth > 0) throw new TemplateSyntaxException(_pos, 2, "unclosed left paren");
                _tokens.Add(new Token(TokenKind.RightDelim, "}}", _pos, 2));
                _pos += 2;
                return false;
            }
            var start = _pos;
            switch (c)
            {
                case '|': Add(TokenKind.Pipe, 1); continue;
                case '(': parenDepth++; Add(TokenKind.LeftParen, 1); continue;
                case ')':
                    if (--parenDepth < 0) throw new TemplateSyntaxException(_pos, 1, "unexpected right paren");
                    Add(TokenKind.RightParen, 1);
                    continue;
                case ',': Add(TokenKind.Comma, 1); continue;
                case '=': Add(TokenKind.Assign, 1); continue;
                case ':':
                    if (StartsWith(_pos, ":=")) { Add(TokenKind.Declare, 2); continue; }
                    throw new TemplateSyntaxException(_pos, 1, "expected :=");
                case '"': LexQuoted(); continue;
                case '`':
                {
                    var close = _src.IndexOf('`', _pos + 1);
                    if (close < 0) throw new TemplateSyntaxException(_pos, 1, "unterminated raw quoted string");
                    _tokens.Add(new Token(TokenKind.RawString, _src[(_pos + 1)..close], _pos, close + 1 - _pos));
                    _pos = close + 1;
                    continue;
                }
                case '\'': LexChar(); continue;
                case '$':
                    _pos++;
                    while (_pos < _src.Length && IsIdentChar(_src[_pos])) _pos++;
                    _tokens.Add(new Token(TokenKind.Variable, _src[start.._pos], start, _pos - start));
                    continue;
                case '.':
                    if (_pos + 1 < _src.Length && char.IsAsciiDigit(_src[_pos + 1]) && !PreviousIsOperand()) { LexNumber(); continue; }
                    if (_pos + 1 < _src.Length && IsIdentStart(_src[_pos + 1]))
                    {
                        _pos++;
                        while (_pos < _src.Length && IsIdentChar(_src[_pos])) _pos++;
                        _tokens.Add(new Token(TokenKind.Field, _src[(start + 1).._pos], start, _pos - start));
                        continue;
                    }
                    Add(TokenKind.Dot, 1);
                    continue;
            }
            if (char.IsAsciiDigit(c)
                || ((c is '-' or '+') && _pos + 1 < _src.Length && (char.IsAsciiDigit(_src[_pos + 1]) || _src[_pos + 1] == '.')))
            {
                LexNumber();
                continue;
            }
            if (IsIdentStart(c))
            {
                while (_pos < _src.Length && IsIdentChar(_src[_pos])) _pos++;
                var word = _src[start.._pos];
                var kind = word switch
                {
                    "true" or "false" => TokenKind.Bool,
                    "nil" => TokenKind.Nil,
                    "if" => TokenKind.If,
                    "else" => TokenKind.Else,
                    "end" => TokenKind.End,
                    "range" => TokenKind.Range,
                    "with" => TokenKind.With,
                    "break" => TokenKind.Break,
                    "continue" => TokenKind.Continue,
                    "define" => TokenKind.Define,
                    "template" => TokenKind.Template,
                    "block" => TokenKind.Block,
                    _ => TokenKind.Identifier,
                };
                _tokens.Add(new Token(kind, word, start, _pos - start));
                continue;
            }
            throw new TemplateSyntaxException(_pos, 1, $"unrecognized character in action: {Describe(c)}");
        }
    }

    private bool PreviousIsOperand()
    {
        if (_tokens.Count == 0) return false;
        var last = _tokens[^1];
        if (last.Offset + last.Length != _pos) return false; // separated by space: a new operand
        return last.Kind is TokenKind.RightParen or TokenKind.Field or TokenKind.Variable or TokenKind.Dot;
    }

    private void Add(TokenKind kind, int length)
    {
        _tokens.Add(new Token(kind, _src.Substring(_pos, length), _pos, length));
        _pos += length;
    }

    private void LexQuoted()
    {
        var start = _pos;
        var sb = new StringBuilder();
        _pos++;
        while (true)
        {
            if (_pos >= _src.Length || _src[_pos] == '\n') throw new TemplateSyntaxException(start, 1, "unterminated quoted string");
            var c = _src[_pos];
            if (c == '"') { _pos++; break; }
            if (c == '\\') { sb.Append(ReadEscape('"')); continue; }
            sb.Append(c);
            _pos++;
        }
        _tokens.Add(new Token(TokenKind.String, sb.ToString(), start, _pos - start));
    }

    private void LexChar()
    {
        var start = _pos;
        _pos++;
        string value;
        if (_pos < _src.Length && _src[_pos] == '\\') value = ReadEscape('\'');
        else if (_pos < _src.Length && _src[_pos] != '\'' && _src[_pos] != '\n')
        {
            var rune = Rune.GetRuneAt(_src, _pos);
            value = rune.ToString();
            _pos += rune.Utf16SequenceLength;
        }
        else throw new TemplateSyntaxException(start, 1, "empty character constant");
        if (_pos >= _src.Length || _src[_pos] != '\'') throw new TemplateSyntaxException(start, 1, "unterminated character constant");
        _pos++;
        _tokens.Add(new Token(TokenKind.Char, Rune.GetRuneAt(value, 0).Value.ToString(CultureInfo.InvariantCulture), start, _pos - start));
    }

    private string ReadEscape(char quote)
    {
        var start = _pos;
        _pos++; // backslash
        if (_pos >= _src.Length) throw new TemplateSyntaxException(start, 1, "unterminated escape");
        var c = _src[_pos++];
        switch (c)
        {
            case 'n': return "\n";
            case 't': return "\t";
            case 'r': return "\r";
            case 'a': return "\a";
            case 'b': return "\b";
            case 'f': return "\f";
            case 'v': return "\v";
            case '\\': return "\\";
            case '\'' or '"' when c == quote: return c.ToString();
            case 'x': return ReadHex(start, 2);
            case 'u': return ReadHex(start, 4);
            case 'U': return ReadHex(start, 8);
            case >= '0' and <= '7':
                if (_pos + 2 > _src.Length) throw new TemplateSyntaxException(start, 2, "invalid octal escape");
                var oct = _src.Substring(_pos - 1, 3);
                _pos += 2;
                try { return ((char)Convert.ToInt32(oct, 8)).ToString(); }
                catch (FormatException) { throw new TemplateSyntaxException(start, 4, $"invalid octal escape \\{oct}"); }
            default:
                throw new TemplateSyntaxException(start, 2, $"unknown escape sequence \\{c}");
        }
    }

    private string ReadHex(int start, int digits)
    {
        if (_pos + digits > _src.Length
            || !int.TryParse(_src.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || !Rune.IsValid(code))
            throw new TemplateSyntaxException(start, 2 + digits, "invalid hex escape");
        _pos += digits;
        return new Rune(code).ToString();
    }

    private void LexNumber()
    {
        var start = _pos;
        if (_src[_pos] is '+' or '-') _pos++;
        while (_pos < _src.Length && (char.IsAsciiLetterOrDigit(_src[_pos]) || _src[_pos] is '.' or '_'
               || (_src[_pos] is '+' or '-' && _src[_pos - 1] is 'e' or 'E' or 'p' or 'P')))
            _pos++;
        _tokens.Add(new Token(TokenKind.Number, _src[start.._pos], start, _pos - start));
    }

    private bool StartsWith(int at, string s) => at + s.Length <= _src.Length && string.CompareOrdinal(_src, at, s, 0, s.Length) == 0;
    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';
    private static bool IsIdentStart(char c) => c == '_' || char.IsLetter(c);
    private static bool IsIdentChar(char c) => c == '_' || char.IsLetterOrDigit(c);
    private static string Describe(char c) => c < ' ' ? $"U+{(int)c:X4}" : $"\"{c}\"";
}
