using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Telerad.Local;

/// <summary>
/// The storage account Telerad.Local uses (its own Azurite, or one given with --storage) and the one HTTP connection
/// pool every client of it shares: Telerad's blob and table clients and the durable engine's. The pool is closed
/// before Azurite is asked to stop, because Azurite's shutdown waits for its clients' keep-alive connections to close
/// (the Azure SDK's default pool is process-wide and never closes them).
/// </summary>
public sealed class LocalStorage(string connectionString, bool owned) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) });

    public string ConnectionString { get; } = connectionString;

    /// <summary>True when Telerad.Local started this Azurite (and stops it).</summary>
    public bool Owned { get; } = owned;

    public BlobClientOptions BlobOptions() => new() { Transport = new HttpClientTransport(_http) };

    public QueueClientOptions QueueOptions() => new() { Transport = new HttpClientTransport(_http) };

    public TableClientOptions TableOptions() => new() { Transport = new HttpClientTransport(_http) };

    public BlobServiceClient CreateBlobServiceClient() => new(ConnectionString, BlobOptions());

    public TableServiceClient CreateTableServiceClient() => new(ConnectionString, TableOptions());

    public global::Azure.Storage.Queues.QueueServiceClient CreateQueueServiceClient() => new(ConnectionString, QueueOptions());

    public void Dispose() => _http.Dispose();
}
