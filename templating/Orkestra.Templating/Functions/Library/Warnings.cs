using static Orkestra.Templating.Functions.Library.ObjectAccess;

namespace Orkestra.Templating.Functions.Library;

/// <summary>Warning-event helpers over enrichment <c>_warnings</c> (enrich: events): a list of events with <c>reason</c> and
/// <c>message</c>.</summary>
internal static class Warnings
{
    private const string C = "warnings";

    public static void Register(FunctionRegistry r)
    {
        r.ObjBool(C, "hasWarnings", "true when OBJ has at least one warning event (enrichment _warnings)",
            o => Items(o, "_warnings").Any());
        r.ObjInt(C, "warningCount", "the number of warning events (enrichment _warnings)", o => Items(o, "_warnings").Count());
        r.ObjString(C, "firstWarning", "the message of the first warning event, or \"\" (enrichment _warnings)",
            o => Items(o, "_warnings").Select(e => Text(e, "message")).FirstOrDefault() ?? "");
        r.ObjString(C, "warningMessages", "every warning message, comma-separated (enrichment _warnings)",
            o => Csv(Items(o, "_warnings").Select(e => Text(e, "message"))));
        r.ObjString(C, "warningReasons", "the distinct warning reasons, comma-separated (enrichment _warnings)",
            o => Csv(Items(o, "_warnings").Select(e => Text(e, "reason")).Distinct(StringComparer.Ordinal)));
    }
}
