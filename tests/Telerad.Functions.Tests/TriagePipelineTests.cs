using System.Text.Json;
using Telerad.Azure.Tests;
using Telerad.Dicom.Tests;
using Telerad.Ingestion;
using Telerad.Samples;
using Telerad.Storage;
using Telerad.Triage;
using Telerad.Workflow;

namespace Telerad.Functions.Tests;

/// <summary>
/// Triage as the Functions app runs it on Azurite: the reference model installed in the `models` container (as an
/// operator would upload it), two sample head CTs uploaded with their manifest, and what reaches the reading workflow:
/// triage.json next to each study, and a STAT priority upgrade on the one with the bleed only.
/// </summary>
[Collection(FunctionsAzuriteCollection.Name)]
public sealed class TriagePipelineTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private FunctionsPipeline _pipeline = null!;
    private IReadOnlyList<GeneratedSampleStudy> _samples = null!;

    public async Task InitializeAsync()
    {
        // The model needs slices of at least 64x64: the small samples (256x256), not the tiny ones of PipelineTests.
        _samples = SampleStudyGenerator.Generate(TestData.NewScratchDirectory("triage-pipeline"), new SampleOptions());
        _pipeline = await FunctionsPipeline.StartAsync(azurite, "hospital-t");
        var models = Path.Combine(TestData.RepositoryRoot, "models");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(models, "intracranial-hyperdensity"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith("manifest.json", StringComparison.Ordinal) || f.EndsWith(".onnx", StringComparison.Ordinal)))
        {
            await using var content = File.OpenRead(file);
            await _pipeline.Store.WriteAsync(new ObjectRef(Containers.Models, Path.GetRelativePath(models, file).Replace('\\', '/')), content);
        }
    }

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    [Fact]
    public async Task The_head_ct_with_a_bleed_is_flagged_and_upgraded_to_stat_and_the_normal_one_is_not()
    {
        var upload = "t-" + Guid.NewGuid().ToString("N")[..6];
        var lesion = _samples.Single(s => s.Descriptor.Folder == "ct-head-lesion");
        var normal = _samples.Single(s => s.Descriptor.Folder == "ct-head-normal");
        var events = new List<string>();
        foreach (var study in new[] { lesion, normal })
        {
            foreach (var file in study.Descriptor.Files)
            {
                await _pipeline.PutAsync("hospital-t", upload, $"{study.Descriptor.Folder}/{file}", Path.Combine(study.Directory, file));
                events.Add($"hospital-t/{upload}/{study.Descriptor.Folder}/{file}");
            }
        }

        await _pipeline.PutManifestAsync("hospital-t", upload, (lesion.Descriptor.StudyInstanceUid, lesion.Descriptor.Instances), (normal.Descriptor.StudyInstanceUid, normal.Descriptor.Instances));
        events.Add($"hospital-t/{upload}/{UploadManifest.FileName}");
        foreach (var pair in events.Chunk(4))
        {
            await Task.WhenAll(pair.Select(_pipeline.DeliverAsync));
        }

        var bleed = await TriagedSummaryAsync(lesion);
        var routine = await TriagedSummaryAsync(normal);

        Assert.Equal(StudyTriageSummary.Analysed, bleed.GetProperty("triage").GetProperty("status").GetString());
        Assert.True(bleed.GetProperty("triage").GetProperty("critical").GetBoolean());
        var flag = Assert.Single(bleed.GetProperty("triage").GetProperty("flagged").EnumerateArray());
        Assert.Equal("intracranial-hyperdensity", flag.GetProperty("findingId").GetString());
        var upgrade = bleed.GetProperty("priorityUpgrade");
        Assert.Equal(PriorityUpgrade.Stat, upgrade.GetProperty("to").GetString());
        Assert.Contains("AI critical finding intracranial-hyperdensity", upgrade.GetProperty("reason").GetString(), StringComparison.Ordinal);

        Assert.Equal(StudyTriageSummary.Analysed, routine.GetProperty("triage").GetProperty("status").GetString());
        Assert.False(routine.GetProperty("triage").GetProperty("critical").GetBoolean());
        Assert.Empty(routine.GetProperty("triage").GetProperty("flagged").EnumerateArray());
        Assert.True(routine.TryGetProperty("priorityUpgrade", out var none) is false || none.ValueKind == JsonValueKind.Null);

        // The full result is stored next to the study, with the model that produced it.
        var key = _pipeline.StudyKey("hospital-t", lesion.Descriptor.StudyInstanceUid);
        await using var stored = await _pipeline.Store.OpenReadAsync(TriageStudy.ResultObject("hospital-t", key));
        var result = (await JsonDocument.ParseAsync(stored)).RootElement;
        var analysis = Assert.Single(result.GetProperty("analyses").EnumerateArray());
        Assert.Equal(lesion.Descriptor.Instances, analysis.GetProperty("slicesAnalysed").GetInt32());
        // Every shipped version was installed; the newest runs.
        var newest = Directory.GetDirectories(Path.Combine(TestData.RepositoryRoot, "models", "intracranial-hyperdensity"))
            .Select(Path.GetFileName).OfType<string>().Order(ModelVersions.Comparer).Last();
        Assert.Equal(newest, analysis.GetProperty("modelVersion").GetString());
        Assert.DoesNotContain(lesion.Descriptor.SeriesInstanceUid, result.GetRawText(), StringComparison.Ordinal); // pseudonymous keys only
    }

    private async Task<JsonElement> TriagedSummaryAsync(GeneratedSampleStudy study)
    {
        var key = _pipeline.StudyKey("hospital-t", study.Descriptor.StudyInstanceUid);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var summary = await _pipeline.WaitForSummaryAsync("hospital-t", key, study.Descriptor.Instances, TimeSpan.FromSeconds(60));
            if (summary.TryGetProperty("triage", out var triage) && triage.ValueKind == JsonValueKind.Object)
            {
                return summary;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{study.Descriptor.Folder}: summary never carried triage");
            await Task.Delay(200);
        }
    }
}
