using System.Security.Cryptography;
using System.Text.Json;
using Telerad.Dicom.Tests;
using Telerad.Samples;

namespace Telerad.Triage.Tests;

/// <summary>
/// The shipped reference model, each version (models/intracranial-hyperdensity/1 at 64 x 64, /2 at 128 x 128): the file
/// is the one its manifest names, it computes what its training run recorded for fixed inputs, and it does its one job
/// on the sample head CTs, which are written by Telerad.Samples (C#), not by the Python phantom it was trained on.
/// </summary>
public sealed class ReferenceModelTests : IDisposable
{
    private static readonly string Models = Path.Combine(TestData.RepositoryRoot, "models");
    public static TheoryData<string> Versions => ["1", "2"];

    private static string Folder(string version) => Path.Combine(Models, "intracranial-hyperdensity", version);
    private readonly ModelLoader _loader = new(new FolderModelStore(Models), new TriageOptions());

    public void Dispose() => _loader.Dispose();

    [Theory]
    [MemberData(nameof(Versions))]
    public void The_shipped_file_matches_its_manifest_and_is_small(string version)
    {
        var manifest = ModelManifestJson.Parse(File.ReadAllBytes(Path.Combine(Folder(version), ModelManifest.FileName)));
        var bytes = File.ReadAllBytes(Path.Combine(Folder(version), manifest.File));
        Assert.Equal(version, manifest.Version);

        Assert.Equal(manifest.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.True(bytes.Length < 5 * 1024 * 1024, $"{bytes.Length} bytes");
        Assert.Contains("not for clinical use", manifest.Disclaimer, StringComparison.OrdinalIgnoreCase);
        Assert.True(Assert.Single(manifest.Findings).Critical);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Fixed_inputs_give_the_outputs_recorded_at_training(string version)
    {
        using var reference = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(Folder(version), "reference-io.json")));
        var root = reference.RootElement;
        var input = root.GetProperty("input");
        var bytes = Convert.FromBase64String(input.GetProperty("data").GetString()!);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        var count = input.GetProperty("shape")[0].GetInt32();
        var expected = root.GetProperty("output").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var tolerance = root.GetProperty("tolerance").GetDouble();

        var model = await _loader.LoadAsync("intracranial-hyperdensity/" + version);
        Assert.Equal(model.Manifest.Sha256, root.GetProperty("sha256").GetString());
        var actual = model.Run(values, count);

        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"slice {i}: {actual[i]} vs recorded {expected[i]}");
        }
    }

    [Theory]
    [InlineData(SampleSize.Small, "1")]
    [InlineData(SampleSize.Full, "1")]
    [InlineData(SampleSize.Small, "2")]
    [InlineData(SampleSize.Full, "2")]
    public async Task The_sample_head_ct_with_a_lesion_is_flagged_and_the_normal_one_is_not(SampleSize size, string version)
    {
        var samples = SampleStudyGenerator.Generate(TestData.NewScratchDirectory($"reference-model-{size}-{version}"), new SampleOptions { Dimensions = SampleDimensions.For(size) });
        var engine = new TriageEngine(_loader, new TriageOptions());
        var model = "intracranial-hyperdensity/" + version;

        var lesion = samples.Single(s => s.Descriptor.Folder == "ct-head-lesion");
        var normal = samples.Single(s => s.Descriptor.Folder == "ct-head-normal");
        var flagged = await engine.AnalyseAsync([.. lesion.Descriptor.Files.Select(f => TriageSource.FromFile(Path.Combine(lesion.Directory, f)))], model);
        var clear = await engine.AnalyseAsync([.. normal.Descriptor.Files.Select(f => TriageSource.FromFile(Path.Combine(normal.Directory, f)))], model);
        Assert.Equal(version, Assert.Single(flagged.Analyses).ModelVersion);

        var finding = Assert.Single(Assert.Single(flagged.Analyses).Findings);
        Assert.True(finding.Flagged, $"lesion study score {finding.Score} below {finding.Threshold}");
        Assert.True(flagged.Critical);
        Assert.InRange(finding.MaxSliceInstanceNumber ?? 0, lesion.Descriptor.Lesion!.FirstInstanceNumber, lesion.Descriptor.Lesion.LastInstanceNumber);
        var none = Assert.Single(Assert.Single(clear.Analyses).Findings);
        Assert.False(none.Flagged, $"normal study score {none.Score}");
        Assert.False(clear.Critical);

        // The chest radiograph and the MR are not what the model is for: not analysed, with the reason.
        var chest = samples.Single(s => s.Descriptor.Modality is "CR" or "DX");
        var skipped = await engine.AnalyseAsync([.. chest.Descriptor.Files.Select(f => TriageSource.FromFile(Path.Combine(chest.Directory, f)))], model);
        Assert.Equal(TriageResult.NotAnalysedStatus, skipped.Status);
        Assert.Contains("is not CT", skipped.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void The_model_card_says_what_it_is_and_how_well_it_does(string version)
    {
        var card = File.ReadAllText(Path.Combine(Folder(version), "MODEL_CARD.md"));
        Assert.StartsWith("# Model card: intracranial-hyperdensity, version " + version, card, StringComparison.Ordinal);
        Assert.Contains("not for clinical use", card, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("synthetic", card, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("sensitivity", card, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("specificity", card, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>With both versions installed, triage runs the newest: version 2.</summary>
    [Fact]
    public async Task Triage_runs_the_newest_shipped_version()
    {
        var (models, failures) = await _loader.LoadActiveAsync();
        Assert.Empty(failures);
        Assert.Equal("2", Assert.Single(models, m => m.Manifest.Id == "intracranial-hyperdensity").Manifest.Version);
    }
}
