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
}
