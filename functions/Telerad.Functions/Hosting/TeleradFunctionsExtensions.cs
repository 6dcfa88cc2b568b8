using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Telerad.Azure;
using Telerad.Deidentification;
using Telerad.Triage;

namespace Telerad.Functions;

/// <summary>Everything the Functions app needs, from configuration; one call in Program.cs.</summary>
public static class TeleradFunctionsExtensions
{
    public static FunctionsApplicationBuilder AddTelerad(this FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
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
        return services;
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
