using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telerad.Deidentification;

/// <summary>The JSON shape of a local key file (see <see cref="LocalKeyFile"/>).</summary>
internal sealed class LocalKeyFileDocument
{
    public string? Format { get; set; }

    public int Version { get; set; }

    public Dictionary<string, LocalKeyFileTenant>? Tenants { get; set; }

    /// <summary>
    /// Reads the document the way the serializer would (camelCase names, case-sensitive, unknown properties
    /// ignored, the last of repeated properties wins), but with <see cref="JsonDocument"/>: every CLI start reads
    /// the key file, and the serializer's metadata for these types costs far more start-up time than the file.
    /// Null when the JSON is the literal null.
    /// </summary>
    /// <exception cref="JsonException">The bytes are not JSON (with the position).</exception>
    /// <exception cref="InvalidDataException">JSON of another shape; the message names the property, never a value.</exception>
    public static LocalKeyFileDocument? Read(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        Expect(root, JsonValueKind.Object, "the top level");
        var result = new LocalKeyFileDocument();
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "format":
                    result.Format = StringOrNull(property.Value, "\"format\"");
                    break;
                case "version":
                    result.Version = property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var version)
                        ? version
                        : throw new InvalidDataException("\"version\" is not an integer");
                    break;
                case "tenants":
                    result.Tenants = property.Value.ValueKind == JsonValueKind.Null ? null : ReadTenants(property.Value);
                    break;
            }
        }

        return result;
    }

    private static Dictionary<string, LocalKeyFileTenant> ReadTenants(JsonElement tenants)
    {
        Expect(tenants, JsonValueKind.Object, "\"tenants\"");
        var result = new Dictionary<string, LocalKeyFileTenant>(StringComparer.Ordinal);
        foreach (var tenant in tenants.EnumerateObject())
        {
            result[tenant.Name] = tenant.Value.ValueKind == JsonValueKind.Null ? null! : ReadTenant(tenant.Value);
        }

        return result;
    }

    private static LocalKeyFileTenant ReadTenant(JsonElement element)
    {
        Expect(element, JsonValueKind.Object, "a tenant");
        var tenant = new LocalKeyFileTenant();
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "pseudonymKey":
                    tenant.PseudonymKey = StringOrNull(property.Value, "\"pseudonymKey\"");
                    break;
                case "mapEncryptionKey":
                    tenant.MapEncryptionKey = StringOrNull(property.Value, "\"mapEncryptionKey\"");
                    break;
                case "created":
                    tenant.Created = property.Value.ValueKind == JsonValueKind.Null ? null
                        : property.Value.ValueKind == JsonValueKind.String && property.Value.TryGetDateTimeOffset(out var created) ? created
                        : throw new InvalidDataException("\"created\" is not an ISO 8601 date and time");
                    break;
            }
        }

        return tenant;
    }

    private static string? StringOrNull(JsonElement element, string what) => element.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => element.GetString(),
        _ => throw new InvalidDataException($"{what} is not a string"),
    };

    private static void Expect(JsonElement element, JsonValueKind kind, string what)
    {
        if (element.ValueKind != kind)
        {
            throw new InvalidDataException($"{what} is not a JSON {kind.ToString().ToLowerInvariant()}");
        }
    }
}

internal sealed class LocalKeyFileTenant
{
    /// <summary>Base64 of the 32-byte pseudonym key.</summary>
    public string? PseudonymKey { get; set; }

    /// <summary>Base64 of the 32-byte map encryption key.</summary>
    public string? MapEncryptionKey { get; set; }

    public DateTimeOffset? Created { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(LocalKeyFileDocument))]
internal sealed partial class LocalKeyFileJsonContext : JsonSerializerContext;
