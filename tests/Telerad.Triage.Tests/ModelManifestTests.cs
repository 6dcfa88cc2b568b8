using System.Text;

namespace Telerad.Triage.Tests;

public sealed class ModelManifestTests
{
    private static readonly string ValidSha = new('a', 64);

    private static string Serialize(ModelManifest manifest) => Encoding.UTF8.GetString(ModelManifestJson.Serialize(manifest));

    [Fact]
    public void A_valid_manifest_round_trips_with_every_field()
    {
        var manifest = ProbeModel.Manifest(ValidSha);
        var parsed = ModelManifestJson.Parse(ModelManifestJson.Serialize(manifest));

        Assert.Equal(manifest.Id, parsed.Id);
        Assert.Equal(manifest.Sha256, parsed.Sha256);
        Assert.Equal(manifest.Preprocessing.Window, parsed.Preprocessing.Window);
        Assert.Equal(manifest.Preprocessing.Resample, parsed.Preprocessing.Resample);
        Assert.Equal(manifest.Input.Shape, parsed.Input.Shape);
        Assert.Equal(manifest.Findings.Select(f => (f.Id, f.OutputIndex, f.Threshold, f.Critical, f.Aggregation)), parsed.Findings.Select(f => (f.Id, f.OutputIndex, f.Threshold, f.Critical, f.Aggregation)));
        Assert.Contains("\"format\": \"telerad-model-manifest\"", Serialize(manifest), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Invalid() => new()
    {
        { "format", "\"format\"" },
        { "formatVersion", "\"formatVersion\" 2" },
        { "id", "\"id\"" },
        { "file", "\"file\"" },
        { "sha256", "\"sha256\"" },
        { "minSlices", "minSlices" },
        { "window", "window.width" },
        { "method", "resample.method" },
        { "size", "rows and columns" },
        { "std", "normalise.std" },
        { "channels", "channels" },
        { "inputShape", "\"input.shape\"" },
        { "outputKind", "\"output.kind\"" },
        { "outputIndex", "outputIndex" },
        { "threshold", "\"threshold\"" },
        { "aggregation", "aggregation must be" },
        { "noFindings", "at least one finding" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_manifest_is_refused_with_the_field_that_is_wrong(string what, string expected)
    {
        var m = ProbeModel.Manifest(ValidSha);
        var p = m.Preprocessing;
        m = what switch
        {
            "format" => m with { Format = "something-else" },
            "formatVersion" => m with { FormatVersion = 2 },
            "id" => m with { Id = "../escape" },
            "file" => m with { File = "../model.onnx" },
            "sha256" => m with { Sha256 = new string('A', 64) },
            "minSlices" => m with { AppliesTo = m.AppliesTo with { MinSlices = 0 } },
            "window" => m with { Preprocessing = p with { Window = new ModelWindow(40, 0) } },
            "method" => m with { Preprocessing = p with { Resample = new ModelResample(8, 8, "bicubic") } },
            "size" => m with { Preprocessing = p with { Resample = new ModelResample(0, 8) } },
            "std" => m with { Preprocessing = p with { Normalise = new ModelNormalisation(0, 0) } },
            "channels" => m with { Preprocessing = p with { Channels = 2 }, Input = new ModelTensor("slices", [-1, 2, 8, 8]) },
            "inputShape" => m with { Input = new ModelTensor("slices", [-1, 1, 16, 16]) },
            "outputKind" => m with { Output = m.Output with { Kind = "segmentation" } },
            "outputIndex" => m with { Findings = [m.Findings[0] with { OutputIndex = 2 }] },
            "threshold" => m with { Findings = [m.Findings[0] with { Threshold = 1.5 }] },
            "aggregation" => m with { Findings = [m.Findings[0] with { Aggregation = new ModelAggregation(ModelAggregation.Consecutive, N: 0) }] },
            "noFindings" => m with { Findings = [] },
            _ => throw new ArgumentException(what),
        };

        var e = Assert.Throws<ModelManifestException>(() => ModelManifestJson.Parse(ModelManifestJson.Serialize(m)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Omitted_optional_fields_take_their_documented_defaults()
    {
        var json = $$"""
            {
              "format": "telerad-model-manifest", "formatVersion": 1, "id": "m", "version": "1", "file": "model.onnx",
              "sha256": "{{ValidSha}}", "intendedUse": "u", "disclaimer": "d",
              "appliesTo": { "modalities": ["CT"] },
              "preprocessing": { "resample": { "rows": 8, "columns": 8 } },
              "input": { "name": "slices", "shape": [-1, 1, 8, 8] },
              "output": { "name": "probability", "shape": [-1, 1], "kind": "per-slice-probability" },
              "findings": [ { "id": "f", "label": "F", "outputIndex": 0, "threshold": 0.5, "critical": true, "aggregation": { "method": "max" } } ]
            }
            """;
        var m = ModelManifestJson.Parse(Encoding.UTF8.GetBytes(json));

        Assert.True(m.Preprocessing.ModalityLut);
        Assert.Null(m.Preprocessing.Window);
        Assert.Equal(ModelResample.Area, m.Preprocessing.Resample.Method);
        Assert.Equal(new ModelNormalisation(0, 1), m.Preprocessing.Normalise);
        Assert.Equal(1, m.Preprocessing.Channels);
        Assert.Equal(0, m.Preprocessing.MaxSlices);
        Assert.Empty(m.AppliesTo.BodyParts);
        Assert.Equal(1, m.AppliesTo.MinSlices);
    }

    [Theory]
    [InlineData("{\"format\": \"telerad-model-manifest\", \"id\": \"m\"}")]
    [InlineData("{\"id\": \"m\", \"appliesTo\": null}")]
    public void A_missing_required_field_is_refused_not_a_crash(string json)
    {
        var e = Assert.Throws<ModelManifestException>(() => ModelManifestJson.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Contains("not valid JSON for this format", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"id\": \"x\"}")]
    [InlineData("null")]
    public void Malformed_or_incomplete_json_is_refused(string json)
    {
        var e = Assert.Throws<ModelManifestException>(() => ModelManifestJson.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.StartsWith("The model manifest", e.Message, StringComparison.Ordinal);
    }
}
