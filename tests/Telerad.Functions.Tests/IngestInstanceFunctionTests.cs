using Azure.Storage.Blobs;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
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

/// <summary>
/// The Functions app's own methods, called as the host would call them, with the app's own service registrations
/// (AddTeleradServices) against real Azurite and a real DurableTaskClient from the in-process Durable Task host.
/// Only Key Vault is replaced (it cannot run here): a fixed key provider stands in for KeyVaultKeyProvider.
/// </summary>
[Collection(FunctionsAzuriteCollection.Name)]
public sealed class IngestInstanceFunctionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly DeidentificationKeys _keys = DeidentificationKeys.Generate("hospital-a");
    private DurableTaskTestHost _host = null!;

    private sealed class FixedKeys(DeidentificationKeys keys) : IDeidentificationKeyProvider
    {
        public DeidentificationKeys GetKeys(string tenantId) => keys;
    }

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [FunctionSettings.StorageConnection] = azurite.ConnectionString,
            [FunctionSettings.KeyVaultUri] = "https://not-used.vault.azure.net/",
            [FunctionSettings.TenantsSection + ":0:Id"] = "hospital-a",
            [FunctionSettings.TenantsSection + ":0:FacilityId"] = "fac-1",
            [FunctionSettings.TenantsSection + ":0:QuietPeriod"] = "00:00:30",
            [FunctionSettings.StudyAssemblySection + ":FirstRetryInterval"] = "00:00:00.200",
        }).Build();
        _host = await DurableTaskTestHost.StartAsync(r => r.AddTeleradWorkflows(), new DurableTaskTestHostOptions
        {
            ConfigureServices = services =>
            {
                TeleradFunctionsExtensions.AddTeleradServices(services, configuration);
                services.AddSingleton<IDeidentificationKeyProvider>(new FixedKeys(_keys)); // Key Vault stand-in
                services.AddSingleton<IngestInstanceFunction>();
                services.AddSingleton<StudyAssemblyFunctions>();
            },
        });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_upload_with_its_manifest_becomes_a_deidentified_study()
    {
        var store = _host.Services.GetRequiredService<IObjectStore>();
        var blobs = _host.Services.GetRequiredService<BlobServiceClient>();
        var function = _host.Services.GetRequiredService<IngestInstanceFunction>();
        var upload = "u-" + Guid.NewGuid().ToString("N")[..8];
        var files = Directory.EnumerateFiles(TestData.CtStudy("ele")).Order().Take(3).ToList();
        foreach (var file in files)
        {
            await using var content = File.OpenRead(file);
            await store.WriteAsync(new ObjectRef(Containers.Incoming, $"hospital-a/{upload}/{Path.GetFileName(file)}"), content);
        }

        using var first = DicomFile.Open(files[0]);
        var manifest = new UploadManifest
        {
            Tenant = "hospital-a",
            UploadId = upload,
            CreatedAt = DateTimeOffset.UtcNow,
            Objects = [],
            ExpectedInstances = 3,
            Studies = [new UploadManifestStudy(first.Dataset.GetUid(DicomTags.StudyInstanceUID)!, 3)],
        };
        using (var json = new MemoryStream(UploadManifestJson.Serialize(manifest)))
        {
            await store.WriteAsync(new ObjectRef(Containers.Incoming, $"hospital-a/{upload}/manifest.json"), json);
        }

        // What Event Grid would deliver, in any order: the manifest first here, then the instances.
        foreach (var name in new[] { "manifest.json" }.Concat(files.Select(Path.GetFileName)))
        {
            var blob = blobs.GetBlobContainerClient(Containers.Incoming).GetBlobClient($"hospital-a/{upload}/{name}");
            await function.IngestInstance(blob, _host.Client, CancellationToken.None);
        }

        var studyKey = new Deidentifier(DeidentificationProfile.Reading, _keys).PseudonymousUid(first.Dataset.GetUid(DicomTags.StudyInstanceUID)!);
        var summary = new ObjectRef(Containers.Deidentified, $"hospital-a/{studyKey}/summary.json");
        var deadline = DateTime.UtcNow.AddSeconds(25); // well under the 30 s quiet period: the manifest completes the study
        while (await store.GetPropertiesAsync(summary) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the study was not de-identified in time");
            await Task.Delay(100);
        }

        var outputs = new List<ObjectProperties>();
        await foreach (var item in store.ListAsync(Containers.Deidentified, $"hospital-a/{studyKey}/"))
        {
            outputs.Add(item);
        }

        Assert.Equal(3, outputs.Count(o => o.Reference.Name.EndsWith(".dcm", StringComparison.Ordinal)));

        // Redelivery of an event changes nothing: the handler finds the object version in the ledger.
        var again = blobs.GetBlobContainerClient(Containers.Incoming).GetBlobClient($"hospital-a/{upload}/{Path.GetFileName(files[0])}");
        await function.IngestInstance(again, _host.Client, CancellationToken.None);
        var handler = _host.Services.GetRequiredService<IngestInstanceHandler>();
        Assert.True((await handler.HandleAsync(new ObjectRef(Containers.Incoming, again.Name))).Redelivered);
        var registry = _host.Services.GetRequiredService<IInstanceRegistry>();
        var sop = new Deidentifier(DeidentificationProfile.Reading, _keys).PseudonymousUid(first.Dataset.GetUid(DicomTags.SOPInstanceUID)!);
        Assert.Equal(1, (await registry.FindInstanceAsync("hospital-a", studyKey, sop))!.Version);

        // The activity wrappers are the shared service: calling one directly gives the same instance.
        var direct = await _host.Services.GetRequiredService<StudyAssemblyFunctions>().DeidentifyInstanceV1(new DeidentifyRequest("hospital-a", studyKey, sop, 1), CancellationToken.None);
        Assert.Equal(sop, direct.SopKey);
    }
}
