using System.Text.Json.Serialization;

namespace Telerad.Deidentification;

/// <summary>The JSON shape of a local key file (see <see cref="LocalKeyFile"/>).</summary>
internal sealed class LocalKeyFileDocument
{
    public string? Format { get; set; }

    public int Version { get; set; }

    public Dictionary<string, LocalKeyFileTenant>? Tenants { get; set; }
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
