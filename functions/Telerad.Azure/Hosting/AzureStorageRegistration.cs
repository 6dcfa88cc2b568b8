using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Telerad.Auditing;
using Telerad.Deidentification;
using Telerad.Ingestion;
using Telerad.Reading.Configuration;
using Telerad.Reading.Worklist;
using Telerad.Storage;

namespace Telerad.Azure;

/// <summary>
/// The storage adapters of docs/storage.md over one account, registered the same way by every host: blobs
/// (object store, append-blob audit log, reading configuration) and tables (ingestion ledger, instance registry,
/// re-identification map, audit index, reading worklist).
/// The host registers how to reach the account (a <see cref="BlobServiceClient"/> and a <see cref="TableServiceClient"/>:
/// identity-based in Azure, a connection string for Azurite) and the key provider.
/// </summary>
public static class AzureStorageRegistration
{
    public static IServiceCollection AddTeleradAzureStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<IObjectStore>(sp => new BlobObjectStore(sp.GetRequiredService<BlobServiceClient>()));
        services.AddSingleton(sp => new TableIngestionState(sp.GetRequiredService<TableServiceClient>()));
        services.AddSingleton<IIngestionLedger>(sp => sp.GetRequiredService<TableIngestionState>());
        services.AddSingleton<IInstanceRegistry>(sp => sp.GetRequiredService<TableIngestionState>());
        services.AddSingleton(sp => new AppendBlobAuditLog(sp.GetRequiredService<IObjectStore>()));
        services.AddSingleton(sp => new IndexedAuditLog(sp.GetRequiredService<AppendBlobAuditLog>(), new TableAuditLog(sp.GetRequiredService<TableServiceClient>())));
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<IndexedAuditLog>());
        services.AddSingleton<IAuditQuery>(sp => sp.GetRequiredService<IndexedAuditLog>());
        services.AddSingleton<IReadingWorklist>(sp => new TableReadingWorklist(sp.GetRequiredService<TableServiceClient>()));
        services.AddSingleton<IReadingConfigurationStore>(sp => new ObjectStoreReadingConfigurationStore(sp.GetRequiredService<IObjectStore>()));
        services.AddSingleton<IReidentificationStore>(sp => new TableReidentificationStore(
            sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<IDeidentificationKeyProvider>(), sp.GetRequiredService<IAuditLog>()));
        return services;
    }
}
