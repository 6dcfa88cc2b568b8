using System.Text.Json.Serialization;
using Telerad.Dicom;

namespace Telerad.Cli;

/// <summary>Source-generated JSON for `telerad inspect --json`.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DicomInventory))]
internal sealed partial class InventoryJsonContext : JsonSerializerContext;
