using System.Globalization;
using System.Text.Json;

namespace Telerad.Fhir.Delivery;

/// <summary>
/// Reads a transaction-response Bundle's entry.response elements (FHIR R4 Bundle, http.html#transaction-response)
/// straight from the JSON: only statuses, locations, ETags and times are needed, so the resources (patient data, and
/// whatever extensions the EHR adds) are never materialised.
/// </summary>
internal static class TransactionResponseReader
{
    /// <summary>The entries, or null when the body is not a transaction-response Bundle.</summary>
    public static IReadOnlyList<TransactionEntryResponse>? Read(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "resourceType") != "Bundle" || Text(root, "type") != "transaction-response")
            {
                return null;
            }

            var entries = new List<TransactionEntryResponse>();
            if (root.TryGetProperty("entry", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var entry in array.EnumerateArray())
                {
                    var response = entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("response", out var r) && r.ValueKind == JsonValueKind.Object ? r : default;
                    var status = response.ValueKind == JsonValueKind.Object ? Text(response, "status") ?? string.Empty : string.Empty;
                    var location = response.ValueKind == JsonValueKind.Object ? Text(response, "location") : null;
                    var (type, id, version) = ParseLocation(location);
                    var lastModified = response.ValueKind == JsonValueKind.Object
                        && DateTimeOffset.TryParse(Text(response, "lastModified"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var modified)
                        ? modified
                        : (DateTimeOffset?)null;
                    entries.Add(new TransactionEntryResponse(
                        index++,
                        status,
                        StatusCode(status),
                        location,
                        type,
                        id,
                        version,
                        response.ValueKind == JsonValueKind.Object ? Text(response, "etag") : null,
                        lastModified));
                }
            }

            return entries;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Type, id and version from a location such as <c>Patient/123/_history/2</c>, <c>Patient/123</c> or the same
    /// under an absolute base URL.
    /// </summary>
    public static (string? Type, string? Id, string? Version) ParseLocation(string? location)
    {
        if (string.IsNullOrEmpty(location))
        {
            return (null, null, null);
        }

        var path = Uri.TryCreate(location, UriKind.Absolute, out var absolute) ? absolute.AbsolutePath : location.Split('?', '#')[0];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var history = Array.LastIndexOf(segments, "_history");
        if (history >= 2 && history + 1 < segments.Length)
        {
            return IsResourceType(segments[history - 2]) ? (segments[history - 2], segments[history - 1], segments[history + 1]) : (null, null, null);
        }

        return segments.Length >= 2 && IsResourceType(segments[^2]) ? (segments[^2], segments[^1], null) : (null, null, null);
    }

    private static bool IsResourceType(string segment) => segment.Length > 0 && char.IsAsciiLetterUpper(segment[0]) && segment.All(char.IsAsciiLetter);

    private static int StatusCode(string status) =>
        status.Length >= 3 && int.TryParse(status.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : 0;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
