using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Security.KeyVault.Secrets;
using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Telerad.Azure;
using Telerad.Deidentification;
using Telerad.Fhir.Auth;
using Telerad.Fhir.Delivery;
using Telerad.Notifications;
using Telerad.Triage;

namespace Telerad.Functions;

/// <summary>Everything the Functions app needs, from configuration; one call in Program.cs.</summary>
public static class TeleradFunctionsExtensions
{
    public static FunctionsApplicationBuilder AddTelerad(this FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // The reading API's HTTP triggers take ASP.NET Core requests and return IActionResult.
        builder.ConfigureFunctionsWebApplication();
        AddTeleradServices(builder.Services, builder.Configuration);
        return builder;
    }

    /// <summary>The registrations, separate from the builder so tests can build the same container.</summary>
    public static IServiceCollection AddTeleradServices(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var ingestion = configuration.GetSection(FunctionSettings.IngestionSection).Get<IngestionOptions>() ?? new IngestionOptions();
        ingestion.Validate();
        var assembly = configuration.GetSection(FunctionSettings.StudyAssemblySection).Get<StudyAssemblyOptions>() ?? new StudyAssemblyOptions();
        assembly.Validate();
        var tenants = configuration.GetSection(FunctionSettings.TenantsSection).Get<List<TenantSettings>>() ?? [];

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(ingestion);
        services.AddSingleton(assembly);
        services.AddSingleton<ITenantDirectory>(new StaticTenantDirectory(tenants));
        services.AddSingleton<TokenCredential>(_ => Credential(configuration));
        services.AddSingleton(sp => BlobService(configuration, sp.GetRequiredService<TokenCredential>()));
        services.AddSingleton(sp => TableService(configuration, sp.GetRequiredService<TokenCredential>()));
        services.AddSingleton<IDeidentificationKeyProvider>(sp => new KeyVaultKeyProvider(
            new SecretClient(new Uri(Required(configuration, FunctionSettings.KeyVaultUri)), sp.GetRequiredService<TokenCredential>())));
        // The same storage adapters and pipeline services as Telerad.Local.
        services.AddTeleradAzureStorage();
        services.AddTeleradPipeline();
        AddTriage(services, configuration);
        AddReading(services, configuration);
        return services;
    }

    /// <summary>
    /// The reading workflow: configuration from the config container, the assignment engine over the worklist
    /// projection, notifications to Service Bus topics, links signed with the Key Vault link key, and the API handlers.
    /// </summary>
    private static void AddReading(IServiceCollection services, IConfiguration configuration)
    {
        var links = configuration.GetSection(FunctionSettings.LinksSection).Get<StudyLinkOptions>() ?? new StudyLinkOptions();
        links.Validate();
        services.AddSingleton(links);
        services.AddSingleton(sp => KeyVaultLinkSigningKeys.Load(new SecretClient(
            new Uri(Required(configuration, FunctionSettings.KeyVaultUri)), sp.GetRequiredService<TokenCredential>())));
        services.AddSingleton(sp => ServiceBus(configuration, sp.GetRequiredService<TokenCredential>()));
        services.AddSingleton<INotificationPublisher>(sp => new ServiceBusNotificationPublisher(sp.GetRequiredService<ServiceBusClient>()));

        // Results: the referrers' endpoints from config/fhir-endpoints.json, their client secrets and signing keys from
        // the same Key Vault, managed identity for Azure Health Data Services endpoints.
        services.AddSingleton<ISecretStore>(sp => new KeyVaultSecretStore(new SecretClient(
            new Uri(Required(configuration, FunctionSettings.KeyVaultUri)), sp.GetRequiredService<TokenCredential>())));
        services.AddTeleradFhirResults(configuration.GetSection(FunctionSettings.FhirDeliverySection).Get<FhirDeliveryOptions>());
        services.AddTeleradReading();
    }

    /// <summary>The triage engine over the models container (or a folder, when Triage:ModelFolder is set).</summary>
    private static void AddTriage(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(FunctionSettings.TriageSection).Get<TriageOptions>() ?? new TriageOptions();
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<IModelStore>(sp => configuration[FunctionSettings.TriageModelFolder] is { Length: > 0 } folder
            ? new FolderModelStore(folder)
            : new ObjectStoreModelStore(sp.GetRequiredService<IObjectStore>()));
        services.AddSingleton<ModelLoader>();
        services.AddSingleton<TriageEngine>();
        services.AddSingleton<StudyTriageActivities>();
    }

    private static TokenCredential Credential(IConfiguration configuration) =>
        configuration[FunctionSettings.ManagedIdentityClientId] is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();

    private static ServiceBusClient ServiceBus(IConfiguration configuration, TokenCredential credential) =>
        configuration[FunctionSettings.ServiceBusConnection] is { Length: > 0 } connectionString
            ? new ServiceBusClient(connectionString)
            : new ServiceBusClient(Required(configuration, FunctionSettings.ServiceBusConnection + ":fullyQualifiedNamespace"), credential);

    private static BlobServiceClient BlobService(IConfiguration configuration, TokenCredential credential) =>
        configuration[FunctionSettings.StorageConnection] is { Length: > 0 } connectionString
            ? new BlobServiceClient(connectionString)
            : new BlobServiceClient(new Uri(Required(configuration, FunctionSettings.StorageConnection + ":blobServiceUri")), credential);

    private static TableServiceClient TableService(IConfiguration configuration, TokenCredential credential) =>
        configuration[FunctionSettings.StorageConnection] is { Length: > 0 } connectionString
            ? new TableServiceClient(connectionString)
            : new TableServiceClient(new Uri(Required(configuration, FunctionSettings.StorageConnection + ":tableServiceUri")), credential);

    private static string Required(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value ? value : throw new InvalidOperationException($"App setting '{key.Replace(":", "__", StringComparison.Ordinal)}' is missing.");
}
