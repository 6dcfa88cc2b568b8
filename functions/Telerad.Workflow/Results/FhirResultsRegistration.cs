using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Telerad.Deidentification;
using Telerad.Fhir;
using Telerad.Fhir.Auth;
using Telerad.Fhir.Delivery;
using Telerad.Reading.Configuration;
using Telerad.Storage;

namespace Telerad.Workflow;

/// <summary>
/// Results delivery over FHIR, registered the same way by every host: the endpoint catalog from the configuration store,
/// the offline validator, token providers, the delivery client and <see cref="FhirReportDelivery"/> as
/// <see cref="IReportDelivery"/> and <see cref="ICriticalResultCommunicationDelivery"/>. Call before <see cref="ReadingRegistration.AddTeleradReading"/> (which otherwise falls
/// back to <see cref="UnconfiguredReportDelivery"/>).
/// </summary>
/// <remarks>Needs in the container: <see cref="ISecretStore"/> (Key Vault in Azure), IReadingConfigurationStore,
/// IReidentificationStore, IObjectStore; a <see cref="TokenCredential"/> if an endpoint uses a managed identity.</remarks>
public static class FhirResultsRegistration
{
    public static IServiceCollection AddTeleradFhirResults(this IServiceCollection services, FhirDeliveryOptions? options = null, FhirDeliveryDefaults? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        options ??= new FhirDeliveryOptions();
        options.EnsureValid();
        services.AddSingleton(options);
        services.AddSingleton(defaults ?? new FhirDeliveryDefaults());

        // Loading the R4 specification takes seconds: once per process, on first use.
        services.AddSingleton<FhirBundleValidator>();
        services.AddSingleton<IFhirEndpointCatalogSource>(sp => new ConfiguredFhirEndpoints(
            sp.GetRequiredService<IReadingConfigurationStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ConfiguredFhirEndpoints>>()));

        // One HttpClient for every endpoint (connection pooling per host); each attempt has its own timeout in the client.
        services.AddSingleton(sp => new FhirHttp(new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = options.AttemptTimeout + TimeSpan.FromSeconds(5),
        }));
        services.AddSingleton(sp => new AccessTokenProviders(
            sp.GetRequiredService<FhirHttp>().Client, sp.GetRequiredService<ISecretStore>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetService<TokenCredential>(), sp.GetRequiredService<ILogger<AccessTokenProviders>>()));
        services.AddSingleton(sp => new FhirDeliveryClient(
            sp.GetRequiredService<FhirHttp>().Client, sp.GetRequiredService<AccessTokenProviders>(), options, sp.GetRequiredService<TimeProvider>(),
            logger: sp.GetRequiredService<ILogger<FhirDeliveryClient>>()));
        services.AddSingleton<IFhirBundleSender>(sp => new CatalogFhirBundleSender(sp.GetRequiredService<IFhirEndpointCatalogSource>(), sp.GetRequiredService<FhirDeliveryClient>()));
        services.AddSingleton(sp => new FhirReportDelivery(
            sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<IReidentificationStore>(), sp.GetRequiredService<ReadingConfigurationProvider>(),
            sp.GetRequiredService<FhirBundleValidator>(), sp.GetRequiredService<IFhirBundleSender>(), sp.GetRequiredService<FhirDeliveryDefaults>(),
            new CriticalResultRecords(sp.GetRequiredService<IObjectStore>())));
        services.AddSingleton<IReportDelivery>(sp => sp.GetRequiredService<FhirReportDelivery>());
        services.AddSingleton<ICriticalResultCommunicationDelivery>(sp => sp.GetRequiredService<FhirReportDelivery>());
        return services;
    }

    /// <summary>The delivery's own HttpClient, so it is not confused with any other HttpClient in the container.</summary>
    public sealed class FhirHttp(HttpClient client) : IDisposable
    {
        public HttpClient Client { get; } = client;

        public void Dispose() => Client.Dispose();
    }
}
