using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telerad.Triage;

/// <summary>Reads a model manifest and refuses, with the reason, one that the engine could not run faithfully.</summary>
public static class ModelManifestJson
{
    /// <summary>
    /// Reflection-based on purpose: the source generator sets every init-only property in one object initializer, so
    /// an omitted optional field would become null or 0 instead of its documented default (modalityLut true,
    /// channels 1, normalise mean 0 std 1).
    /// </summary>
    private static readonly JsonSerializerOptions ReadOptions = new(JsonSerializerDefaults.Web)
    {
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static ModelManifest Parse(ReadOnlySpan<byte> json)
    {
        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(json, ReadOptions);
        }
        catch (JsonException e)
        {
            throw new ModelManifestException("The model manifest is not valid JSON for this format: " + e.Message, e);
        }

        if (manifest is null)
        {
            throw new ModelManifestException("The model manifest is empty.");
        }

        Validate(manifest);
        return manifest;
    }

    public static byte[] Serialize(ModelManifest manifest) => JsonSerializer.SerializeToUtf8Bytes(manifest, ModelManifestJsonContext.Default.ModelManifest);

    private static void Validate(ModelManifest m)
    {
        Require(m.Format == ModelManifest.FormatName, $"\"format\" must be \"{ModelManifest.FormatName}\".");
        Require(m.FormatVersion == ModelManifest.CurrentFormatVersion, $"\"formatVersion\" {m.FormatVersion} is not supported (this engine reads {ModelManifest.CurrentFormatVersion}).");
        Require(IsSafeSegment(m.Id), "\"id\" must be a short name of letters, digits, '-', '_' or '.'.");
        Require(IsSafeSegment(m.Version), "\"version\" must be a short name of letters, digits, '-', '_' or '.'.");
        Require(IsSafeSegment(m.File), "\"file\" must be a file name next to the manifest.");
        Require(m.Sha256.Length == 64 && m.Sha256.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)), "\"sha256\" must be 64 lowercase hex digits.");
        Require(m.AppliesTo.MinSlices >= 1, "\"appliesTo.minSlices\" must be at least 1.");
        var p = m.Preprocessing;
        Require(p.Window is null || p.Window.Width > 0, "\"preprocessing.window.width\" must be positive.");
        Require(p.Resample.Method == ModelResample.Area, $"\"preprocessing.resample.method\" \"{p.Resample.Method}\" is not supported (only \"{ModelResample.Area}\").");
        Require(p.Resample.Rows is > 0 and <= 4096 && p.Resample.Columns is > 0 and <= 4096, "\"preprocessing.resample\" rows and columns must be 1-4096.");
        Require(p.Normalise.Std > 0, "\"preprocessing.normalise.std\" must be positive.");
        Require(p.Channels >= 1 && p.Channels % 2 == 1, "\"preprocessing.channels\" must be an odd number (the slice and its neighbours).");
        Require(p.MaxSlices >= 0, "\"preprocessing.maxSlices\" must be 0 (all) or more.");
        Require(
            m.Input.Shape.Count == 4 && m.Input.Shape[1] == p.Channels && m.Input.Shape[2] == p.Resample.Rows && m.Input.Shape[3] == p.Resample.Columns,
            "\"input.shape\" must be [batch, channels, rows, columns] matching the preprocessing.");
        Require(m.Output.Kind == ModelOutput.PerSliceProbability, $"\"output.kind\" \"{m.Output.Kind}\" is not supported (only \"{ModelOutput.PerSliceProbability}\").");
        Require(m.Output.Shape.Count == 2 && m.Output.Shape[1] >= 1, "\"output.shape\" must be [batch, findings].");
        Require(m.Findings.Count >= 1, "\"findings\" must list at least one finding.");
        foreach (var f in m.Findings)
        {
            Require(f.OutputIndex >= 0 && f.OutputIndex < m.Output.Shape[1], $"Finding {f.Id}: \"outputIndex\" is outside the output's {m.Output.Shape[1]} columns.");
            Require(f.Threshold is >= 0 and <= 1, $"Finding {f.Id}: \"threshold\" must be a probability.");
            Require(
                f.Aggregation.Method switch
                {
                    ModelAggregation.Max => true,
                    ModelAggregation.TopKMean => f.Aggregation.K >= 1,
                    ModelAggregation.Consecutive => f.Aggregation.N >= 1,
                    _ => false,
                },
                $"Finding {f.Id}: aggregation must be \"max\", \"top-k-mean\" with k >= 1, or \"consecutive\" with n >= 1.");
        }
    }

    private static bool IsSafeSegment(string value) =>
        value.Length is > 0 and <= 100 && value != "." && value != ".." && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ModelManifestException("Invalid model manifest: " + message);
        }
    }
}

/// <summary>A model manifest that cannot be used, and why.</summary>
public sealed class ModelManifestException : Exception
{
    public ModelManifestException(string message)
        : base(message)
    {
    }

    public ModelManifestException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ModelManifestJsonContext : JsonSerializerContext;
