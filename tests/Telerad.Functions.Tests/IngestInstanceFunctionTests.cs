using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Telerad.Azure.Tests;
using Telerad.Deidentification;
using Telerad.Dicom;
using Telerad.Dicom.Tests;
using Telerad.Ingestion;
using Telerad.Storage;
using Telerad.Workflow;

namespace Telerad.Functions.Tests;

[CollectionDefinition(Name)]
public sealed class FunctionsAzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Functions on Azurite";
}

/// <summary>An upload through the Functions app's own methods (see <see cref="FunctionsPipeline"/>) on Azurite.</summary>
[Collection(FunctionsAzuriteCollection.Name)]
public sealed class IngestInstanceFunctionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private FunctionsPipeline _pipeline = null!;

    public async Task InitializeAsync() => _pipeline = await FunctionsPipeline.StartAsync(azurite, "hospital-a");

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    [Fact]
    public async Task An_upload_with_its_manifest_becomes_a_deidentified_study()
    {
        var upload = "u-" + Guid.NewGuid().ToString("N")[..8];
        var files = Directory.EnumerateFiles(TestData.CtStudy("ele")).Order().Take(3).ToList();
        foreach (var file in files)
        {
            await _pipeline.PutAsync("hospital-a", upload, Path.GetFileName(file), file);
        }

        using var first = DicomFile.Open(files[0]);
        var studyUid = first.Dataset.GetUid(DicomTags.StudyInstanceUID)!;
        await _pipeline.PutManifestAsync("hospital-a", upload, (studyUid, 3));

        // What Event Grid would deliver, in any order: the manifest first here, then the instances.
        foreach (var name in new[] { UploadManifest.FileName }.Concat(files.Select(Path.GetFileName)))
        {
            await _pipeline.DeliverAsync($"hospital-a/{upload}/{name}");
        }

        // Well under the 30 s quiet period: the manifest completes the study.
        var studyKey = _pipeline.StudyKey("hospital-a", studyUid);
        await _pipeline.WaitForSummaryAsync("hospital-a", studyKey, 3, TimeSpan.FromSeconds(25));
        var outputs = await _pipeline.ListAsync(Containers.Deidentified, $"hospital-a/{studyKey}/");
        Assert.Equal(3, outputs.Count(o => o.EndsWith(".dcm", StringComparison.Ordinal)));

        // Redelivery of an event changes nothing: the handler finds the object version in the ledger.
        var again = $"hospital-a/{upload}/{Path.GetFileName(files[0])}";
        await _pipeline.DeliverAsync(again);
        var handler = _pipeline.Services.GetRequiredService<IngestInstanceHandler>();
        Assert.True((await handler.HandleAsync(new ObjectRef(Containers.Incoming, again))).Redelivered);
        var registry = _pipeline.Services.GetRequiredService<IInstanceRegistry>();
        var sop = new Deidentifier(DeidentificationProfile.Reading, _pipeline.KeysOf("hospital-a")).PseudonymousUid(first.Dataset.GetUid(DicomTags.SOPInstanceUID)!);
        Assert.Equal(1, (await registry.FindInstanceAsync("hospital-a", studyKey, sop))!.Version);

        // The activity wrappers are the shared service: calling one directly gives the same instance.
        var direct = await _pipeline.Services.GetRequiredService<StudyAssemblyFunctions>().DeidentifyInstanceV1(new DeidentifyRequest("hospital-a", studyKey, sop, 1), CancellationToken.None);
        Assert.Equal(sop, direct.SopKey);
    }

    /// <summary>
    /// Ingestion keeps the stalled-instance sweep running (one eternal orchestration per task hub), and the sweep's
    /// activity signals a completed study that has an instance registered after it completed whose signal was lost.
    /// </summary>
    [Fact]
    public async Task Ingestion_starts_the_stalled_instance_sweep_and_the_sweep_reopens_a_study_with_a_lost_signal()
    {
        StalledInstanceSweepStarter.Reset();
        var upload = "u-" + Guid.NewGuid().ToString("N")[..8];
        var files = Directory.EnumerateFiles(TestData.CtStudy("ele")).Order().Skip(3).Take(3).ToList();
        foreach (var file in files.Take(2))
        {
            await _pipeline.PutAsync("hospital-a", upload, Path.GetFileName(file), file);
        }

        using var first = DicomFile.Open(files[0]);
        var studyUid = first.Dataset.GetUid(DicomTags.StudyInstanceUID)!;
        await _pipeline.PutManifestAsync("hospital-a", upload, (studyUid, 2));
        foreach (var name in files.Take(2).Select(Path.GetFileName).Append(UploadManifest.FileName))
        {
            await _pipeline.DeliverAsync($"hospital-a/{upload}/{name}");
        }

        var studyKey = _pipeline.StudyKey("hospital-a", studyUid);
        await _pipeline.WaitForSummaryAsync("hospital-a", studyKey, 2, TimeSpan.FromSeconds(25));
        var sweep = await _pipeline.Client.GetInstanceAsync(StalledInstanceSweepOrchestrator.InstanceId);
        Assert.NotNull(sweep);
        Assert.DoesNotContain(sweep.RuntimeStatus, new[] { OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated });

        // A third instance is registered after the study completed, and its signal never comes (the handler alone).
        var study = StudyAssembly.InstanceId("hospital-a", studyKey);
        var completed = await _pipeline.Client.WaitForInstanceCompletionAsync(study, new CancellationTokenSource(TimeSpan.FromSeconds(25)).Token);
        await _pipeline.PutAsync("hospital-a", upload, "late.dcm", files[2]);
        var handled = await _pipeline.Services.GetRequiredService<IngestInstanceHandler>().HandleAsync(new ObjectRef(Containers.Incoming, $"hospital-a/{upload}/late.dcm"));
        Assert.Equal(LedgerEntry.Accepted, handled.Outcome);

        var functions = _pipeline.Services.GetRequiredService<StudyAssemblyFunctions>();
        Assert.Equal(1, await functions.SweepStalledInstancesV1(0, _pipeline.Client, CancellationToken.None));
        var reopened = await _pipeline.Client.GetInstanceAsync(study);
        Assert.True(reopened!.CreatedAt > completed.CreatedAt, "the sweep's signal starts a late run of the study");
    }
}
