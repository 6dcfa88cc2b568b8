using System.Text.Json.Serialization;
using Telerad.Deidentification;

namespace Telerad.Cli;

/// <summary>Source-generated JSON for the CLI's reports.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeidentificationReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
