using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Telerad.Azure.Tests;
using Telerad.Deidentification;
using Telerad.Ingestion;
using Telerad.Notifications;
using Telerad.Storage;
using Telerad.Workflow;

namespace Telerad.Functions.Tests;

/// <summary>
/// The Functions app as the host runs it: its own service registrations (AddTeleradServices) against real Azurite,
/// its [Function] methods called with a real DurableTaskClient from the in-process Durable Task host. Only Key Vault
/// is replaced (it cannot run here): each tenant gets its own generated keys, as Key Vault would hold them.
/// Blob events are delivered by the test, in whatever order it chooses, as Event Grid may.
/// </summary>
public sealed class FunctionsPipeline : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, DeidentificationKeys> _keys = new(StringComparer.Ordinal);
    private DurableTaskTestHost _host = null!;

    private FunctionsPipeline()
    {
    }

    public IServiceProvider Services => _host.Services;

    /// <summary>Every log message the app wrote (formatted), to check what operators would see and that it holds no PHI.</summary>
    public CapturedLogs Logs { get; } = new();

    public IObjectStore Store => Services.GetRequiredService<IObjectStore>();

    /// <summary>The durable client the Functions host would bind as [DurableClient].</summary>
    public DurableTaskClient Client => _host.Client;

    /// <summary>Notifications the app published (Service Bus cannot run here: this stands in for the topics).</summary>
    public InMemoryNotificationPublisher Published { get; } = new();

    /// <summary>The link signing key Key Vault would hold.</summary>
    public LinkSigningKeys LinkKeys { get; } = LinkSigningKeys.Generate("kvtest");

    public static async Task<FunctionsPipeline> StartAsync(AzuriteFixture azurite, params string[] tenants)
    {
        var settings = new Dictionary<string, string?>
        {
            [FunctionSettings.StorageConnection] = azurite.ConnectionString,
            [FunctionSettings.KeyVaultUri] = "https://not-used.vault.azure.net/",
            [FunctionSettings.StudyAssemblySection + ":FirstRetryInterval"] = "00:00:00.200",
        };
        for (var i = 0; i < tenants.Length; i++)
        {
            settings[$"{FunctionSettings.TenantsSection}:{i}:Id"] = tenants[i];
            settings[$"{FunctionSettings.TenantsSection}:{i}:FacilityId"] = "fac-" + tenants[i];
            settings[$"{FunctionSettings.TenantsSection}:{i}:QuietPeriod"] = "00:00:30";
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var pipeline = new FunctionsPipeline();
        pipeline._host = await DurableTaskTestHost.StartAsync(r => r.AddTeleradWorkflows(), new DurableTaskTestHostOptions
        {
            Port = Telerad.Dicom.Tests.FreeTcpPort.Next(),
            LoggerFactory = LoggerFactory.Create(logging => logging.AddProvider(pipeline.Logs).SetMinimumLevel(LogLevel.Debug)),
            ConfigureServices = services =>
            {
                TeleradFunctionsExtensions.AddTeleradServices(services, configuration);
                services.AddSingleton<IDeidentificationKeyProvider>(new PerTenantKeys(pipeline)); // Key Vault stand-in
                services.AddLogging(logging => logging.AddProvider(pipeline.Logs).SetMinimumLevel(LogLevel.Debug));
                services.AddSingleton<INotificationPublisher>(pipeline.Published); // Service Bus stand-in
                services.AddSingleton(pipeline.LinkKeys); // Key Vault stand-in
                services.AddSingleton<IOrchestrationGateway>(_ => new DurableTaskClientGateway(pipeline._host.Client)); // what Functions binds as [DurableClient]
                services.AddSingleton(sp => new StudyAssemblyClient(sp.GetRequiredService<IOrchestrationGateway>(), sp.GetRequiredService<StudyAssemblyOptions>()));
                services.AddSingleton<StalledInstanceSweep>(); // the test host's sweep activity (Functions builds one per call from its [DurableClient])
                services.AddSingleton<IngestInstanceFunction>();
                services.AddSingleton<StudyAssemblyFunctions>();
                services.AddSingleton<ReadingFunctions>();
                services.AddSingleton<ReadingApiFunctions>();
            },
        });
        return pipeline;
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    public DeidentificationKeys KeysOf(string tenant) => _keys.GetOrAdd(tenant, DeidentificationKeys.Generate);

    /// <summary>The pseudonymous study key a tenant's study gets (what deid/ and the orchestration are keyed by).</summary>
    public string StudyKey(string tenant, string studyInstanceUid) =>
        new Deidentifier(DeidentificationProfile.Reading, KeysOf(tenant)).PseudonymousUid(studyInstanceUid);

    public async Task PutAsync(string tenant, string upload, string relativeName, string file)
    {
        await using var content = File.OpenRead(file);
        await Store.WriteAsync(new ObjectRef(Containers.Incoming, $"{tenant}/{upload}/{relativeName}"), content);
    }

    public async Task PutManifestAsync(string tenant, string upload, params (string StudyInstanceUid, int Instances)[] studies) =>
        await PutManifestAsync(tenant, upload, new UploadManifest
        {
            Tenant = tenant,
            UploadId = upload,
            CreatedAt = DateTimeOffset.UtcNow,
            Objects = [],
            ExpectedInstances = studies.Sum(s => s.Instances),
            Studies = [.. studies.Select(s => new UploadManifestStudy(s.StudyInstanceUid, s.Instances))],
        });

    public async Task PutManifestAsync(string tenant, string upload, UploadManifest manifest)
    {
        using var json = new MemoryStream(UploadManifestJson.Serialize(manifest));
        await Store.WriteAsync(new ObjectRef(Containers.Incoming, $"{tenant}/{upload}/{UploadManifest.FileName}"), json);
    }

    /// <summary>What the Functions host does when Event Grid delivers BlobCreated for incoming/{name}.</summary>
    public async Task DeliverAsync(string name)
    {
        var blob = Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(Containers.Incoming).GetBlobClient(name);
        await Services.GetRequiredService<IngestInstanceFunction>().IngestInstance(blob, _host.Client, CancellationToken.None);
    }

    public async Task<List<string>> ListAsync(string container, string prefix)
    {
        var names = new List<string>();
        await foreach (var item in Store.ListAsync(container, prefix))
        {
            names.Add(item.Reference.Name);
        }

        return names;
    }

    /// <summary>Waits for deid/{tenant}/{study}/summary.json to say <paramref name="instances"/> instances.</summary>
    public async Task<JsonElement> WaitForSummaryAsync(string tenant, string studyKey, int instances, TimeSpan timeout)
    {
        var summary = new ObjectRef(Containers.Deidentified, $"{tenant}/{studyKey}/summary.json");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await Store.GetPropertiesAsync(summary) is not null)
            {
                await using var stream = await Store.OpenReadAsync(summary);
                var json = (await JsonDocument.ParseAsync(stream)).RootElement.Clone();
                if (json.GetProperty("series").EnumerateArray().Sum(s => s.GetProperty("instances").GetInt32()) == instances)
                {
                    return json;
                }
            }

            if (DateTime.UtcNow >= deadline)
            {
                // Say where the study stands, so a failure on CI can be understood from its log alone.
                var state = await _host.Client.GetInstanceAsync(StudyAssembly.InstanceId(tenant, studyKey), getInputsAndOutputs: true);
                var registry = await Services.GetRequiredService<IInstanceRegistry>().ListInstancesAsync(tenant, studyKey);
                Assert.Fail($"study {studyKey} of {tenant} was not de-identified with {instances} instances in time; orchestration "
                    + $"{state?.RuntimeStatus} '{state?.SerializedCustomStatus}' input {state?.SerializedInput}; registry {registry.Count} instances, {registry.Count(r => r.IsDone)} done");
            }

            await Task.Delay(100);
        }
    }

    private sealed class PerTenantKeys(FunctionsPipeline pipeline) : IDeidentificationKeyProvider
    {
        public DeidentificationKeys GetKeys(string tenantId) => pipeline.KeysOf(tenantId);
    }
}
