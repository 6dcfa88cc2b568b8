using Azure.Data.Tables;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Telerad.Notifications;
using Telerad.Reading.Configuration;
using Telerad.Azure;
using Telerad.Deidentification;
using Telerad.Fhir.Auth;
using Telerad.Triage;

namespace Telerad.Local;

/// <summary>
/// Telerad.Local's container: the same storage adapters and pipeline services as the Azure Functions app
/// (<see cref="AzureStorageRegistration.AddTeleradAzureStorage"/>, <see cref="PipelineRegistration.AddTeleradPipeline"/>),
/// with the local key file instead of Key Vault, the DTFx engine instead of Durable Functions, and the poller instead
/// of Event Grid.
/// </summary>
public static class LocalServices
{
    public static IServiceCollection AddTeleradLocal(this IServiceCollection services, LocalOptions options, LocalStorage storage, IReadOnlyList<TenantSettings> tenants)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        services.AddSingleton(options);
        services.AddSingleton(storage);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new IngestionOptions());
        services.AddSingleton(options.Retry);
        services.AddSingleton<ITenantDirectory>(new StaticTenantDirectory(tenants));
        services.AddSingleton(storage.CreateBlobServiceClient());
        services.AddSingleton(storage.CreateTableServiceClient());
        services.AddSingleton<IDeidentificationKeyProvider>(new LocalKeyFile(options.KeyFile ?? LocalKeyFile.DefaultPath()));
        services.AddTeleradAzureStorage();
        services.AddTeleradPipeline();

        // Triage after assembly, with the models from a folder (the Functions app reads the `models` container).
        services.AddSingleton(new TriageOptions());
        services.AddSingleton<IModelStore>(new FolderModelStore(options.EffectiveModelFolder));
        services.AddSingleton<ModelLoader>();
        services.AddSingleton<TriageEngine>();
        services.AddSingleton<StudyTriageActivities>();
        services.AddSingleton<TriageStudyActivity>();

        // Reading: the configuration from a folder (seeded with the demo's), notifications to Azurite queues with an
        // outbox table, links signed with the local key and pointing at this API.
        services.AddSingleton<IReadingConfigurationStore>(_ => LocalReadingConfiguration.Open(options));
        services.AddSingleton(sp => new QueueNotificationPublisher(storage.CreateQueueServiceClient(), sp.GetRequiredService<TableServiceClient>()));
        services.AddSingleton<INotificationPublisher>(sp => sp.GetRequiredService<QueueNotificationPublisher>());
        services.AddSingleton(_ => LocalLinkKey.LoadOrCreate(options.DataDirectory));
        services.AddSingleton(sp => new StudyLinkOptions { ViewerUrlTemplate = options.ViewerUrlTemplate, ApiBaseUrl = ApiBaseUrl(sp) });
        // Results: the referrers' endpoints from fhir-endpoints.json in the configuration folder (the demo points it at
        // the local test FHIR server); secrets from TELERAD_SECRET_{reference} environment variables (no Key Vault here).
        services.AddSingleton<ISecretStore>(LocalSecrets.FromEnvironment());
        services.AddTeleradFhirResults();
        services.AddTeleradReading();

        // The durable engine first: hosted services start in order, and the poller signals through it.
        services.AddSingleton<DurableEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<DurableEngine>());
        services.AddSingleton<IOrchestrationGateway, TaskHubGateway>();
        services.AddSingleton(sp => new StudyAssemblyClient(sp.GetRequiredService<IOrchestrationGateway>(), sp.GetRequiredService<StudyAssemblyOptions>()));
        services.AddSingleton<IngestionJournal>();
        services.AddSingleton<SignalRecovery>();
        services.AddSingleton<IncomingPoller>();
        services.AddHostedService(sp => sp.GetRequiredService<IncomingPoller>());
        services.AddSingleton<StalledInstanceSweep>();
        services.AddHostedService<StalledInstanceSweeper>();
        services.AddSingleton<StatusQueries>();
        return services;
    }

    /// <summary>The API's own address (known once it listens: port 0 picks one), as links need it.</summary>
    private static string ApiBaseUrl(IServiceProvider services)
    {
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The local API is not listening yet.");
        return first.TrimEnd('/') + "/api";
    }
}
