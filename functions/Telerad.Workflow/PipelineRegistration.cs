using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Telerad.Deidentification;

namespace Telerad.Workflow;

/// <summary>
/// The host-independent part of the pipeline, registered the same way by every host (the Azure Functions app,
/// Telerad.Local): ingestion's handlers, the per-tenant de-identifiers, and the StudyAssembly activity service and
/// classes. The host adds what differs: storage adapters, the key provider, tenants and options.
/// </summary>
/// <remarks>Needs in the container: IObjectStore, ITenantDirectory, IIngestionLedger, IInstanceRegistry, IAuditLog,
/// IReidentificationStore, IDeidentificationKeyProvider and IngestionOptions.</remarks>
public static class PipelineRegistration
{
    public static IServiceCollection AddTeleradPipeline(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => Deidentifiers(sp.GetRequiredService<IDeidentificationKeyProvider>()));
        services.AddSingleton<IngestInstanceHandler>();
        services.AddSingleton<ManifestHandler>();
        services.AddSingleton<InstanceDeidentifier>();
        services.AddSingleton<StudyAssemblyActivities>();
        services.AddSingleton<DeidentifyInstanceActivity>();
        services.AddSingleton<DeidentifyInstancesActivity>();
        services.AddSingleton<PublishStudySummaryActivity>();
        services.AddSingleton<FindUnprocessedInstancesActivity>();
        return services;
    }

    /// <summary>One de-identifier per tenant (its profile and keys), built on first use.</summary>
    private static Func<TenantSettings, Deidentifier> Deidentifiers(IDeidentificationKeyProvider keys)
    {
        var cache = new ConcurrentDictionary<string, Deidentifier>(StringComparer.Ordinal);
        return tenant => cache.GetOrAdd(tenant.Id, _ => new Deidentifier(DeidentificationProfileJson.Load(tenant.DeidentificationProfile), keys.GetKeys(tenant.Id)));
    }
}
