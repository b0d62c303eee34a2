using System.Text.RegularExpressions;
using Orkestra.Templating.Functions;

namespace Orkestra.Templating.Tests.Functions;

/// <summary>The registry is user documentation (<c>ork notes</c>): every function is described, categorised and tested.</summary>
public partial class RegistryTests
{
    private static readonly string[] GoBuiltins = ["and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "len", "index", "print", "printf", "println"];

    private static IEnumerable<FunctionDescriptor> Library => FunctionRegistry.Standard.All.Where(f => f.Category != "go builtins");

    [Test]
    public void EveryFunctionHasASignatureDescriptionAndCategory()
    {
        FunctionRegistry.Standard.All.Count.ShouldBeGreaterThan(250);
        foreach (var f in FunctionRegistry.Standard.All)
        {
            f.Category.ShouldNotBeNullOrWhiteSpace(f.Name);
            f.Description.ShouldNotBeNullOrWhiteSpace(f.Name);
            f.Signature.ShouldNotBeNullOrWhiteSpace(f.Name);
            (f.Signature == f.Name || f.Signature.StartsWith(f.Name + " ", StringComparison.Ordinal)).ShouldBeTrue($"signature of {f.Name} starts with its name: {f.Signature}");
            f.Description.ShouldNotContain("\n", customMessage: $"{f.Name}: one-line description");
        }
    }

    [Test]
    public void SignaturesAgreeWithArgumentCounts()
    {
        foreach (var f in Library)
        {
            var words = f.Signature.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
            var optional = words.Count(w => w.StartsWith('['));
            var variadic = words.Any(w => w.EndsWith("...", StringComparison.Ordinal));
            if (variadic) f.MaxArgs.ShouldBe(FunctionDescriptor.Variadic, f.Name);
            else
            {
                f.MaxArgs.ShouldBe(words.Length, $"{f.Name}: {f.Signature}");
                f.MinArgs.ShouldBe(words.Length - optional, $"{f.Name}: {f.Signature}");
            }
        }
    }

    [Test]
    public void TheLibraryLeavesTheGoBuiltinsToTheLanguage()
    {
        foreach (var name in GoBuiltins)
        {
            FunctionRegistry.Standard.TryGet(name, out var f).ShouldBeTrue(name);
            f.Category.ShouldBe("go builtins", $"{name} is registered once, as a Go builtin");
        }
    }

    [Test]
    public void EveryLibraryFunctionIsExercisedByATable()
    {
        var rows = GeneralFunctionTests.Rows().Concat(GeneralFunctionTests.Errors())
            .Concat(TextAndNumberFunctionTests.Rows()).Concat(TextAndNumberFunctionTests.Errors())
            .Concat(TimeAndCronFunctionTests.Rows()).Concat(TimeAndCronFunctionTests.Errors())
            .Concat(VersionNetworkValidationFunctionTests.Rows()).Concat(VersionNetworkValidationFunctionTests.Errors())
            .Concat(KubernetesFunctionTests.Rows());
        var covered = rows.Select(r => (string)r.Arguments[0]!).ToHashSet(StringComparer.Ordinal);
        covered.UnionWith(["randomAlphanumeric", "randomHex", "randomBase64", "uuidv4"]); // shape-tested (random output)
        var missing = Library.Select(f => f.Name).Where(n => !covered.Contains(n)).ToList();
        missing.ShouldBeEmpty();
    }

    [Test]
    public void OnlyClockAndRandomFunctionsAreNonDeterministic()
    {
        var nonDeterministic = Library.Where(f => !f.Deterministic).Select(f => f.Name).Order(StringComparer.Ordinal).ToArray();
        nonDeterministic.ShouldBe(
        [
            "isExpired", "nextCron", "randomAlphanumeric", "randomBase64", "randomHex", "timeAgo", "timeInWindow",
            "timeNotInWindow", "timeSince", "timeUntil", "uuidv4", "weekday", "weekend",
        ]);
    }

    [Test]
    public void CatalogNamesFromTheSchemaAreAllRegistered()
    {
        // A sample across every domain of orkestra-schema.md §8.2, including names the issue calls out.
        string[] names =
        [
            "default", "ternary", "boolTernary", "boolDefault", "eqTernary", "coalesce", "empty", "notEmpty",
            "toInt", "toFloat", "toBool", "toString", "toJson", "toJSON", "toList", "typeOf", "typeMap", "typeList", "typeString", "typeNumber", "typeBool", "typeNull", "isScalar", "isComposite",
            "asList", "asMap", "asString", "listGet", "listHas", "listLen", "mapGet", "mapKeys", "mapValues", "mapPick", "mapOmit",
            "getOr", "getStringOr", "getIntOr", "getBoolOr",
            "toBase64", "fromBase64", "sha256sum", "slugify", "truncateName", "repoSlug", "lookup", "domainHost", "domainBare",
            "parseQuantity", "formatQuantity", "sumQuantity", "subtractQuantity",
            "cronFromAny", "cronFromMap", "cronToMap", "cronNormalize", "cronExpr", "cronField", "cronValid", "cronDescribe",
            "semverMajor", "semverCompare", "semverBump", "semverConstraint", "cidrContains", "ipValid", "ipIsPrivate",
            "isValidEmail", "isDNS1123Subdomain", "get", "meta", "labels", "getLabel", "hasCondition", "isSynced", "ownerKind", "name", "namespace",
            "readyReplicas", "rolloutComplete", "jobSucceeded", "jobFailed", "jobActive", "podCount", "hasWarnings", "hpaScaling", "ingressReady", "pvcBound",
            "nodeReady", "deploymentReplicaSets", "statefulSetPVCCount", "promValue", "isDirectApply",
        ];
        foreach (var name in names) FunctionRegistry.Standard.TryGet(name, out _).ShouldBeTrue(name);
    }

    [Test]
    public void ReturnShapesAreDeclaredForTypedFunctions()
    {
        FunctionRegistry.Standard.TryGet("toUpper", out var upper);
        upper.Returns.ShouldBe(ValueShape.String);
        FunctionRegistry.Standard.TryGet("toInt", out var toInt);
        toInt.Returns.ShouldBe(ValueShape.Number);
        FunctionRegistry.Standard.TryGet("readyReplicas", out var ready);
        ready.Returns.ShouldBe(ValueShape.Number);
        FunctionRegistry.Standard.TryGet("default", out var def);
        def.Returns.ShouldBe(ValueShape.Any);
        // Every name ending in a predicate-like form returns a bool.
        foreach (var f in Library.Where(f => PredicateName().IsMatch(f.Name)))
            f.Returns.ShouldBe(ValueShape.Bool, f.Name);
    }

    [GeneratedRegex("^(is|has)[A-Z]|Valid$|Detected$")]
    private static partial Regex PredicateName();
}
