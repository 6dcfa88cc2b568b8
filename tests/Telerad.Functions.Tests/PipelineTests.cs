using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Telerad.Auditing;
using Telerad.Azure;
using Telerad.Azure.Tests;
using Telerad.Dicom.Tests;
using Telerad.Ingestion;
using Telerad.Samples;
using Telerad.Storage;
using Telerad.Workflow;

namespace Telerad.Functions.Tests;

/// <summary>
/// Several uploads through the Functions app on Azurite at once: studies interleaved, and tenants kept apart.
/// The studies are the generated samples (small dimensions), so each test knows exactly what it uploaded.
/// </summary>
[Collection(FunctionsAzuriteCollection.Name)]
public sealed class PipelineTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly SampleDimensions Tiny = new(CtMatrix: 32, CtSlices: 8, MrMatrix: 32, MrSlices: 3, CrRows: 64, CrColumns: 64);
    private FunctionsPipeline _pipeline = null!;
    private IReadOnlyList<GeneratedSampleStudy> _samples = null!;

    public async Task InitializeAsync()
    {
        _samples = SampleStudyGenerator.Generate(TestData.NewScratchDirectory("pipeline-samples"), new SampleOptions { Dimensions = Tiny });
        _pipeline = await FunctionsPipeline.StartAsync(azurite, "hospital-a", "hospital-b");
    }

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    private GeneratedSampleStudy Sample(string folder) => _samples.Single(s => s.Descriptor.Folder == folder);

    /// <summary>Puts a sample study's instances under the upload and returns their object names (not yet delivered).</summary>
    private async Task<List<string>> PutStudyAsync(string tenant, string upload, GeneratedSampleStudy study)
    {
        var names = new List<string>();
        foreach (var file in study.Descriptor.Files)
        {
            var relative = $"{study.Descriptor.Folder}/{file}";
            await _pipeline.PutAsync(tenant, upload, relative, Path.Combine(study.Directory, file));
            names.Add($"{tenant}/{upload}/{relative}");
        }

        return names;
    }

    [Fact]
    public async Task Two_uploads_delivered_interleaved_become_four_separate_studies()
    {
        var (u1, u2) = ("u1-" + Guid.NewGuid().ToString("N")[..6], "u2-" + Guid.NewGuid().ToString("N")[..6]);
        var lesion = Sample("ct-head-lesion");
        var chest = _samples.Single(s => s.Descriptor.Modality is "CR" or "DX");
        var normal = Sample("ct-head-normal");
        var brain = _samples.Single(s => s.Descriptor.Modality == "MR");

        // Upload 1 holds two studies, upload 2 two others; each manifest lists its own.
        var events = new List<string>();
        events.AddRange(await PutStudyAsync("hospital-a", u1, lesion));
        events.AddRange(await PutStudyAsync("hospital-a", u1, chest));
        events.AddRange(await PutStudyAsync("hospital-a", u2, normal));
        events.AddRange(await PutStudyAsync("hospital-a", u2, brain));
        await _pipeline.PutManifestAsync("hospital-a", u1, (lesion.Descriptor.StudyInstanceUid, lesion.Descriptor.Instances), (chest.Descriptor.StudyInstanceUid, chest.Descriptor.Instances));
        await _pipeline.PutManifestAsync("hospital-a", u2, (normal.Descriptor.StudyInstanceUid, normal.Descriptor.Instances), (brain.Descriptor.StudyInstanceUid, brain.Descriptor.Instances));
        events.Add($"hospital-a/{u1}/{UploadManifest.FileName}");
        events.Add($"hospital-a/{u2}/{UploadManifest.FileName}");

        // Event Grid promises no order: deliver everything shuffled (seeded, so a failure can be replayed), two at a time.
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var shuffled = events.OrderBy(_ => random.Next()).ToList();
        foreach (var pair in shuffled.Chunk(2))
        {
            await Task.WhenAll(pair.Select(_pipeline.DeliverAsync));
        }

        foreach (var study in new[] { lesion, chest, normal, brain })
        {
            var key = _pipeline.StudyKey("hospital-a", study.Descriptor.StudyInstanceUid);
            var summary = await _pipeline.WaitForSummaryAsync("hospital-a", key, study.Descriptor.Instances, TimeSpan.FromSeconds(25));
            Assert.Equal([study.Descriptor.Modality], summary.GetProperty("modalities").EnumerateArray().Select(m => m.GetString()));
            Assert.Equal(0, summary.GetProperty("lateInstances").GetInt32());
            var outputs = await _pipeline.ListAsync(Containers.Deidentified, $"hospital-a/{key}/");
            Assert.True(study.Descriptor.Instances == outputs.Count(o => o.EndsWith(".dcm", StringComparison.Ordinal)), $"seed {seed}: {study.Descriptor.Folder}");
        }

        // What operators see: one event per accepted instance and per published study, and no PHI anywhere in the logs
        // (nor the uploaded names, which hospitals often build from patient data).
        var logs = _pipeline.Logs.Entries;
        var all = new[] { lesion, chest, normal, brain };
        Assert.Equal(all.Sum(s => s.Descriptor.Instances), logs.Count(l => l.Event.Id == 1000 && l.Text.Contains(": accepted;", StringComparison.Ordinal)));
        Assert.Equal(all.Sum(s => s.Descriptor.Instances), logs.Count(l => l.Event.Id == 1010));
        Assert.All(all, s => Assert.Contains(logs, l => l.Event.Id == 2000 && l.Text.Contains(_pipeline.StudyKey("hospital-a", s.Descriptor.StudyInstanceUid), StringComparison.Ordinal)));
        var phi = all.SelectMany(s => new[] { s.Descriptor.PatientId, s.Descriptor.AccessionNumber, s.Descriptor.StudyInstanceUid, s.Descriptor.SeriesInstanceUid, s.Descriptor.Folder }
            .Concat(s.Descriptor.PatientName.Split('^', StringSplitOptions.RemoveEmptyEntries))
            .Concat(s.Descriptor.Files)).Where(v => v.Length >= 4).Distinct().ToList();
        foreach (var entry in logs)
        {
            var found = phi.FirstOrDefault(v => entry.Text.Contains(v, StringComparison.OrdinalIgnoreCase));
            Assert.True(found is null, $"log event {entry.Event.Id} of {entry.Category} contains an uploaded identifier or name");
        }
    }

    [Fact]
    public async Task Two_tenants_sending_the_same_study_never_see_each_other()
    {
        var study = Sample("ct-head-lesion");
        var upload = "u-" + Guid.NewGuid().ToString("N")[..6];
        var aEvents = await PutStudyAsync("hospital-a", upload, study);
        var bEvents = await PutStudyAsync("hospital-b", upload, study); // same upload id, same files: only the tenant differs
        await _pipeline.PutManifestAsync("hospital-a", upload, (study.Descriptor.StudyInstanceUid, study.Descriptor.Instances));
        await _pipeline.PutManifestAsync("hospital-b", upload, (study.Descriptor.StudyInstanceUid, study.Descriptor.Instances));

        // A manifest under hospital-b's prefix that claims hospital-a's upload is refused, not believed.
        var forged = "forged-" + Guid.NewGuid().ToString("N")[..6];
        await _pipeline.PutAsync("hospital-b", forged, "a.dcm", Path.Combine(study.Directory, study.Descriptor.Files[0]));
        await _pipeline.PutManifestAsync("hospital-b", forged, new UploadManifest
        {
            Tenant = "hospital-a",
            UploadId = upload,
            CreatedAt = DateTimeOffset.UtcNow,
            Objects = [],
            ExpectedInstances = 1,
            Studies = [new UploadManifestStudy(study.Descriptor.StudyInstanceUid, 1)],
        });

        // An upload under a tenant nobody configured goes to quarantine/_unknown and nowhere else.
        var stranger = "hospital-z";
        await _pipeline.PutAsync(stranger, upload, "a.dcm", Path.Combine(study.Directory, study.Descriptor.Files[0]));

        var events = aEvents.Zip(bEvents, (a, b) => new[] { a, b }).SelectMany(p => p)
            .Append($"hospital-a/{upload}/{UploadManifest.FileName}")
            .Append($"hospital-b/{upload}/{UploadManifest.FileName}")
            .Append($"hospital-b/{forged}/{UploadManifest.FileName}")
            .Append($"{stranger}/{upload}/a.dcm");
        foreach (var name in events)
        {
            await _pipeline.DeliverAsync(name);
        }

        // Keyed per tenant: the same study has unrelated pseudonyms, and each tenant's output stays under its prefix.
        var keyA = _pipeline.StudyKey("hospital-a", study.Descriptor.StudyInstanceUid);
        var keyB = _pipeline.StudyKey("hospital-b", study.Descriptor.StudyInstanceUid);
        Assert.NotEqual(keyA, keyB);
        Assert.NotEqual(StudyAssembly.InstanceId("hospital-a", keyA), StudyAssembly.InstanceId("hospital-b", keyB));
        await _pipeline.WaitForSummaryAsync("hospital-a", keyA, study.Descriptor.Instances, TimeSpan.FromSeconds(25));
        await _pipeline.WaitForSummaryAsync("hospital-b", keyB, study.Descriptor.Instances, TimeSpan.FromSeconds(25));
        var aOutputs = await _pipeline.ListAsync(Containers.Deidentified, "hospital-a/");
        var bOutputs = await _pipeline.ListAsync(Containers.Deidentified, "hospital-b/");
        Assert.DoesNotContain(aOutputs, n => n.Contains(keyB, StringComparison.Ordinal));
        Assert.DoesNotContain(bOutputs, n => n.Contains(keyA, StringComparison.Ordinal));
        var aSops = aOutputs.Where(n => n.StartsWith($"hospital-a/{keyA}/", StringComparison.Ordinal) && n.EndsWith(".dcm", StringComparison.Ordinal)).Select(Path.GetFileName).ToHashSet();
        var bSops = bOutputs.Where(n => n.StartsWith($"hospital-b/{keyB}/", StringComparison.Ordinal) && n.EndsWith(".dcm", StringComparison.Ordinal)).Select(Path.GetFileName).ToList();
        Assert.Equal(study.Descriptor.Instances, aSops.Count);
        Assert.Equal(study.Descriptor.Instances, bSops.Count);
        Assert.DoesNotContain(bSops, aSops.Contains);

        // The registry answers only within a tenant.
        var registry = _pipeline.Services.GetRequiredService<IInstanceRegistry>();
        Assert.Equal(study.Descriptor.Instances, (await registry.ListInstancesAsync("hospital-a", keyA)).Count);
        Assert.Empty(await registry.ListInstancesAsync("hospital-b", keyA));

        // The forged manifest: quarantined with its reason under hospital-b; hospital-a's study is untouched by it.
        var reason = new ObjectRef(Containers.Quarantine, $"hospital-b/{forged}/{UploadManifest.FileName}.reason.json");
        await using (var stream = await _pipeline.Store.OpenReadAsync(reason))
        {
            Assert.Equal(RejectionCodes.ManifestInvalid, (await JsonDocument.ParseAsync(stream)).RootElement.GetProperty("code").GetString());
        }

        Assert.Empty(await _pipeline.ListAsync(Containers.Quarantine, $"hospital-a/{upload}/"));

        // The stranger's object: quarantined under _unknown, nothing de-identified, nothing in a tenant's space.
        Assert.Contains($"{QuarantineWriter.UnknownTenantFolder}/{stranger}/{upload}/a.dcm.reason.json", await _pipeline.ListAsync(Containers.Quarantine, $"{QuarantineWriter.UnknownTenantFolder}/{stranger}/"));
        Assert.Empty(await _pipeline.ListAsync(Containers.Deidentified, stranger + "/"));

        // Each tenant's audit trail holds its own records only.
        var audit = _pipeline.Services.GetRequiredService<AppendBlobAuditLog>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var aAudit = await audit.ReadDayAsync("hospital-a", today);
        Assert.All(aAudit, r => Assert.Equal("hospital-a", r.TenantId));
        Assert.Contains(aAudit, r => r.Action == AuditActions.IngestionAccepted);
    }
}
