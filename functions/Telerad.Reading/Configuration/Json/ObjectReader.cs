using System.Globalization;
using System.Text.Json;

namespace Telerad.Reading.Configuration.Json;

/// <summary>
/// Reads the properties of one JSON object, reporting (never throwing) missing fields, wrong types and invalid
/// values with their JSON path. A property set to null counts as missing. <see cref="Finish"/> reports the
/// properties nobody asked for: in configuration a misspelt field name is a mistake worth stopping for.
/// </summary>
internal sealed class ObjectReader
{
    private readonly JsonElement _element;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private ObjectReader(JsonElement element, Location location, Problems problems)
    {
        _element = element;
        Location = location;
        Problems = problems;
    }

    public Location Location { get; }

    public Problems Problems { get; }

    /// <summary>Opens <paramref name="element"/> as an object, or reports a wrong type and returns null.</summary>
    public static ObjectReader? Open(JsonElement element, Location location, Problems problems)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add(location.Document, location.Path, ConfigurationErrorCodes.WrongType, $"expected an object, found {Describe(element.ValueKind)}");
            return null;
        }
        return new ObjectReader(element, location, problems);
    }

    public void Report(string property, string code, string message) =>
        Problems.Add(Location.Document, Location.Property(property).Path, code, message);

    /// <summary>The property's value, or null when absent or JSON null (reported when <paramref name="required"/>).</summary>
    public JsonElement? Property(string name, bool required)
    {
        _read.Add(name);
        if (_element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
        {
            return value;
        }
        if (required)
        {
            Report(name, ConfigurationErrorCodes.MissingField, $"'{name}' is required");
        }
        return null;
    }

    public string? String(string name, bool required)
    {
        if (Property(name, required) is not { } value)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Report(name, ConfigurationErrorCodes.WrongType, $"'{name}' must be a string, found {Describe(value.ValueKind)}");
            return null;
        }
        var text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            Report(name, required ? ConfigurationErrorCodes.MissingField : ConfigurationErrorCodes.InvalidValue, $"'{name}' must not be empty");
            return null;
        }
        return text;
    }

    /// <summary>An identifier: letters, digits, '-', '_', '.', ':' and '/', 1-128 characters.</summary>
    public string? Id(string name, bool required = true)
    {
        var text = String(name, required);
        if (text is not null && !Ids.IsValid(text))
        {
            Report(name, ConfigurationErrorCodes.InvalidIdentifier, $"'{text}' is not a valid id ({Ids.Rule})");
            return null;
        }
        return text;
    }

    public bool? Boolean(string name, bool required)
    {
        if (Property(name, required) is not { } value)
        {
            return null;
        }
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }
        Report(name, ConfigurationErrorCodes.WrongType, $"'{name}' must be true or false, found {Describe(value.ValueKind)}");
        return null;
    }

    /// <summary>A whole number that must not be negative.</summary>
    public int? Count(string name, bool required)
    {
        if (Property(name, required) is not { } value)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            Report(name, ConfigurationErrorCodes.WrongType, $"'{name}' must be a whole number, found {Describe(value)}");
            return null;
        }
        if (number < 0)
        {
            Report(name, ConfigurationErrorCodes.NegativeValue, $"'{name}' must not be negative (found {number.ToString(CultureInfo.InvariantCulture)})");
            return null;
        }
        return number;
    }

    /// <summary>A decimal number that must not be negative.</summary>
    public decimal? Amount(string name, bool required)
    {
        if (Property(name, required) is not { } value)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number))
        {
            Report(name, ConfigurationErrorCodes.WrongType, $"'{name}' must be a number, found {Describe(value)}");
            return null;
        }
        if (number < 0)
        {
            Report(name, ConfigurationErrorCodes.NegativeValue, $"'{name}' must not be negative (found {number.ToString(CultureInfo.InvariantCulture)})");
            return null;
        }
        return number;
    }

    /// <summary>An ISO 8601 duration of days, hours, minutes and seconds (e.g. <c>PT30M</c>, <c>P1DT12H</c>); must be positive.</summary>
    public TimeSpan? Duration(string name, bool required, bool allowZero = false)
    {
        var text = String(name, required);
        if (text is null)
        {
            return null;
        }
        if (!IsoDuration.TryParse(text, out var duration))
        {
            Report(name, ConfigurationErrorCodes.InvalidDuration, $"'{text}' is not an ISO 8601 duration such as PT30M, PT4H or P1DT12H (days, hours, minutes, seconds)");
            return null;
        }
        if (duration == TimeSpan.Zero && !allowZero)
        {
            Report(name, ConfigurationErrorCodes.InvalidDuration, $"'{name}' must be longer than zero");
            return null;
        }
        return duration;
    }

    /// <summary>An array property: each element handed to <paramref name="item"/>, whose nulls (already reported) are dropped.</summary>
    public IReadOnlyList<T>? Array<T>(string name, bool required, Func<JsonElement, Location, T?> item, string? whenEmpty = null)
        where T : class
    {
        if (Property(name, required) is not { } value)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            Report(name, ConfigurationErrorCodes.WrongType, $"'{name}' must be an array, found {Describe(value.ValueKind)}");
            return null;
        }
        if (whenEmpty is not null && value.GetArrayLength() == 0)
        {
            // Judged on the document, not on what parsed: an array of broken items is reported item by item, once.
            Report(name, ConfigurationErrorCodes.InvalidValue, whenEmpty);
        }
        var list = new List<T>();
        var index = 0;
        foreach (var element in value.EnumerateArray())
        {
            if (item(element, Location.Property(name).Index(index)) is { } parsed)
            {
                list.Add(parsed);
            }
            index++;
        }
        return list;
    }

    /// <summary>An array of non-empty strings; with <paramref name="validate"/> returning an error message to reject one.</summary>
    public IReadOnlyList<string>? Strings(string name, bool required, Func<string, (string Code, string Message)?>? validate = null, string? whenEmpty = null) =>
        Array(name, required, (element, location) =>
        {
            if (element.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(element.GetString()))
            {
                Problems.Add(location.Document, location.Path, ConfigurationErrorCodes.WrongType, $"expected a non-empty string, found {Describe(element)}");
                return null;
            }
            var text = element.GetString()!;
            if (validate?.Invoke(text) is { } problem)
            {
                Problems.Add(location.Document, location.Path, problem.Code, problem.Message);
                return null;
            }
            return text;
        },
        whenEmpty);

    /// <summary>A nested object property.</summary>
    public ObjectReader? Object(string name, bool required) =>
        Property(name, required) is { } value ? Open(value, Location.Property(name), Problems) : null;

    /// <summary>Reports properties that were never read (misspelt or unsupported) and properties given twice.</summary>
    public void Finish()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in _element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                Report(property.Name, ConfigurationErrorCodes.DuplicateField, $"'{property.Name}' is given more than once");
            }
            else if (!_read.Contains(property.Name))
            {
                var expected = string.Join(", ", _read.Order(StringComparer.Ordinal));
                Report(property.Name, ConfigurationErrorCodes.UnknownField, $"unknown field '{property.Name}' (expected: {expected})");
            }
        }
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => "the number " + element.GetRawText(),
        JsonValueKind.String => "the string \"" + element.GetString() + "\"",
        _ => Describe(element.ValueKind),
    };
}
