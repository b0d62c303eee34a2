namespace Orkestra.Katalog.Model;

/// <summary>
/// The <c>type</c> of a status field (<c>operatorBox.status.fields[].type</c>): the names Orkestra accepts,
/// normalised to string, int, float, bool or auto. Pure and thread-safe.
/// </summary>
public static class StatusFieldTypes
{
    /// <summary>Normalises a declared type (empty means string); false for a name Orkestra does not accept.</summary>
    public static bool TryNormalize(string? declared, out string type)
    {
        type = (declared ?? "").Trim().ToLowerInvariant() switch
        {
            "" or "string" or "str" => "string",
            "int" or "integer" => "int",
            "float" or "number" => "float",
            "bool" or "boolean" => "bool",
            "auto" => "auto",
            _ => "",
        };
        return type.Length > 0;
    }
}
