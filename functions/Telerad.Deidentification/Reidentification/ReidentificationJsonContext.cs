using System.Text.Json.Serialization;

namespace Telerad.Deidentification;

/// <summary>Source-generated JSON for the plaintext of an encrypted re-identification record (no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ReidentificationEntry))]
internal sealed partial class ReidentificationJsonContext : JsonSerializerContext;
