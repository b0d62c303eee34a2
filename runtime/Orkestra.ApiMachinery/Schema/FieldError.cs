namespace Orkestra.ApiMachinery.Schema;

/// <summary>The kind of a field error, as Kubernetes' <c>field.ErrorType</c> names it.</summary>
public enum FieldErrorType { Required, Invalid, TypeInvalid, NotSupported, TooLong, TooMany, Duplicate, Forbidden }

/// <summary>
/// One violation found while validating an object, rendered exactly as the API server's <c>field.Error</c>:
/// <see cref="Message"/> is <c>&lt;field&gt;: &lt;body&gt;</c> (one line of a 422's message) and <see cref="Body"/>
/// with <see cref="Reason"/> and <see cref="Field"/> form one entry of <c>details.causes</c>. Immutable.
/// </summary>
public sealed class FieldError
{
    internal FieldError(FieldErrorType type, string field, string? badValue, string detail, IReadOnlyList<object> location)
    {
        Type = type;
        Field = field;
        BadValue = badValue;
        Detail = detail;
        Location = location;
    }

    public FieldErrorType Type { get; }

    /// <summary>The field path (<c>spec.items[0].name</c>); <c>&lt;nil&gt;</c> for errors about a composition (anyOf...).</summary>
    public string Field { get; }

    /// <summary>The offending value rendered as Go's fmt does (strings quoted); null when the body omits it.</summary>
    public string? BadValue { get; }

    public string Detail { get; }

    /// <summary>Where in the object the checked node is (property names and array indices), for update ratcheting.</summary>
    internal IReadOnlyList<object> Location { get; }

    /// <summary>The cause reason (<c>FieldValueInvalid</c>, <c>FieldValueRequired</c>...).</summary>
    public string Reason => Type switch
    {
        FieldErrorType.Required => "FieldValueRequired",
        FieldErrorType.Invalid => "FieldValueInvalid",
        FieldErrorType.TypeInvalid => "FieldValueTypeInvalid",
        FieldErrorType.NotSupported => "FieldValueNotSupported",
        FieldErrorType.TooLong => "FieldValueTooLong",
        FieldErrorType.TooMany => "FieldValueTooMany",
        FieldErrorType.Forbidden => "FieldValueForbidden",
        _ => "FieldValueDuplicate",
    };

    /// <summary><c>Invalid value: 15: spec.replicas in body should be less than or equal to 10</c>.</summary>
    public string Body
    {
        get
        {
            var title = Type switch
            {
                FieldErrorType.Required => "Required value",
                FieldErrorType.NotSupported => "Unsupported value",
                FieldErrorType.TooLong => "Too long",
                FieldErrorType.TooMany => "Too many",
                FieldErrorType.Duplicate => "Duplicate value",
                FieldErrorType.Forbidden => "Forbidden",
                _ => "Invalid value",
            };
            var body = BadValue is null ? title : $"{title}: {BadValue}";
            return Detail.Length == 0 ? body : $"{body}: {Detail}";
        }
    }

    /// <summary><c>spec.replicas: Invalid value: 15: ...</c>.</summary>
    public string Message => $"{Field}: {Body}";

    public override string ToString() => Message;
}
