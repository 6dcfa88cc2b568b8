using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Telerad.Ingestion.Tests;

/// <summary>
/// An in-memory IObjectStore for the ingestion core's unit tests (the Azure Blob implementation is tested
/// against real Azurite in Telerad.Azure.Tests). Behaves like Blob Storage: new ETag on every write.
/// </summary>
public sealed class InMemoryObjectStore : IObjectStore
{
    private readonly ConcurrentDictionary<ObjectRef, (byte[] Bytes, ObjectProperties Properties)> _objects = new();
    private int _etag;

    public IReadOnlyCollection<ObjectRef> Names => [.. _objects.Keys.OrderBy(k => k.ToString(), StringComparer.Ordinal)];

    public byte[] Bytes(ObjectRef reference) => _objects[reference].Bytes;

    public void Put(ObjectRef reference, byte[] bytes) => Store(reference, bytes, new Dictionary<string, string>());

    /// <summary>Properties requests and opened reads so far (a blob store charges a request for each).</summary>
    public int PropertiesRequests => _propertiesRequests;

    public int Reads => _reads;

    private int _propertiesRequests;
    private int _reads;

    public Task<ObjectProperties?> GetPropertiesAsync(ObjectRef reference, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _propertiesRequests);
        return Task.FromResult(_objects.TryGetValue(reference, out var o) ? o.Properties : null);
    }

    /// <summary>One read with the version's properties, as Blob Storage's first ranged GET gives them.</summary>
    public Task<(Stream Content, ObjectProperties Properties)> OpenReadWithPropertiesAsync(ObjectRef reference, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        return _objects.TryGetValue(reference, out var o)
            ? Task.FromResult<(Stream, ObjectProperties)>((new MemoryStream(o.Bytes, writable: false), o.Properties))
            : throw new ObjectNotFoundException("not found");
    }

    public Task<Stream> OpenReadAsync(ObjectRef reference, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        return _objects.TryGetValue(reference, out var o)
            ? Task.FromResult<Stream>(new MemoryStream(o.Bytes, writable: false))
            : throw new ObjectNotFoundException("not found");
    }

    public async Task<ObjectProperties> WriteAsync(ObjectRef reference, Stream content, ObjectWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (options?.IfNotExists == true && _objects.ContainsKey(reference))
        {
            throw new ObjectAlreadyExistsException("exists");
        }

        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        return Store(reference, buffer.ToArray(), options?.Metadata ?? new Dictionary<string, string>());
    }

    public Task AppendAsync(ObjectRef reference, ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default)
    {
        var existing = _objects.TryGetValue(reference, out var o) ? o.Bytes : [];
        Store(reference, [.. existing, .. block.ToArray()], new Dictionary<string, string>());
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<ObjectProperties> ListAsync(string container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var (_, o) in _objects.Where(p => p.Key.Container == container && p.Key.Name.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(p => p.Key.Name, StringComparer.Ordinal))
        {
            yield return o.Properties;
        }

        await Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(ObjectRef reference, CancellationToken cancellationToken = default) => Task.FromResult(_objects.TryRemove(reference, out _));

    private ObjectProperties Store(ObjectRef reference, byte[] bytes, IReadOnlyDictionary<string, string> metadata)
    {
        var properties = new ObjectProperties(reference, bytes.Length, "\"" + Interlocked.Increment(ref _etag) + "\"", DateTimeOffset.UtcNow, metadata);
        _objects[reference] = (bytes, properties);
        return properties;
    }
}

/// <summary>In-memory ledger, registry and audit log for the core's unit tests (the Table versions come with the Azure adapters).</summary>
public sealed class InMemoryIngestionState : IIngestionLedger, IInstanceRegistry, Telerad.Auditing.IAuditLog
{
    private readonly ConcurrentDictionary<(string, string, string), LedgerEntry> _ledger = new();
    private readonly ConcurrentDictionary<(string, string, string), InstanceRecord> _instances = new();
    private readonly ConcurrentDictionary<(string, string, string), DateTimeOffset> _registeredAt = new();
    private readonly ConcurrentDictionary<(string, string, string, int), (int Sweeps, DateTimeOffset At)> _swept = new();

    public ConcurrentQueue<Telerad.Auditing.AuditRecord> Audit { get; } = new();

    public Task<LedgerEntry?> FindAsync(string tenant, string objectId, string etag, CancellationToken cancellationToken = default) =>
        Task.FromResult(_ledger.GetValueOrDefault((tenant, objectId, etag)));

    public Task RecordAsync(string tenant, LedgerEntry entry, CancellationToken cancellationToken = default)
    {
        _ledger[(tenant, entry.ObjectId, entry.ETag)] = entry;
        return Task.CompletedTask;
    }

    public Task<InstanceRecord?> FindInstanceAsync(string tenant, string studyKey, string sopKey, CancellationToken cancellationToken = default) =>
        Task.FromResult(_instances.GetValueOrDefault((tenant, studyKey, sopKey)));

    public Task SaveInstanceAsync(InstanceRecord record, CancellationToken cancellationToken = default)
    {
        lock (_instances)
        {
            _instances[(record.Tenant, record.StudyKey, record.SopKey)] = record;
            _registeredAt[(record.Tenant, record.StudyKey, record.SopKey)] = DateTimeOffset.UtcNow;
        }

        return Task.CompletedTask;
    }

    public Task<bool> SaveResultAsync(string tenant, string studyKey, string sopKey, int version, DeidentifiedInstance result, bool late, CancellationToken cancellationToken = default)
    {
        lock (_instances)
        {
            if (!_instances.TryGetValue((tenant, studyKey, sopKey), out var record) || record.Version != version)
            {
                return Task.FromResult(false);
            }

            _instances[(tenant, studyKey, sopKey)] = record with { Result = result, ResultVersion = version, Late = late };
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<InstanceRecord>> ListInstancesAsync(string tenant, string studyKey, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<InstanceRecord>>([.. _instances.Values.Where(r => r.Tenant == tenant && r.StudyKey == studyKey).OrderBy(r => r.SopKey, StringComparer.Ordinal)]);

    public async IAsyncEnumerable<StalledInstance> ListStalledAsync(DateTimeOffset registeredBefore, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<StalledInstance> stalled;
        lock (_instances)
        {
            stalled = [.. _instances.Values.Where(r => !r.IsDone)
                .Select(r => (Record: r, Swept: _swept.TryGetValue((r.Tenant, r.StudyKey, r.SopKey, r.Version), out var s) ? s : ((int Sweeps, DateTimeOffset At)?)null))
                .Select(x => new StalledInstance(x.Record.Tenant, x.Record.StudyKey, x.Record.SopKey, x.Record.Version, _registeredAt[(x.Record.Tenant, x.Record.StudyKey, x.Record.SopKey)], x.Swept?.Sweeps ?? 0, x.Swept?.At))
                .Where(s => s.RegisteredAt < registeredBefore)];
        }

        foreach (var instance in stalled)
        {
            yield return instance;
        }

        await Task.CompletedTask;
    }

    public Task MarkSweptAsync(StalledInstance instance, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        _swept.AddOrUpdate((instance.Tenant, instance.StudyKey, instance.SopKey, instance.Version), (1, at), (_, s) => (s.Sweeps + 1, at));
        return Task.CompletedTask;
    }

    public Task WriteAsync(Telerad.Auditing.AuditRecord record, CancellationToken cancellationToken = default)
    {
        Audit.Enqueue(record);
        return Task.CompletedTask;
    }
}
