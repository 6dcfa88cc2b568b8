using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Telerad.Storage;

namespace Telerad.Azure;

/// <summary>
/// <see cref="IObjectStore"/> over Azure Blob Storage (Azurite locally, same code). Reads are seekable streams that
/// fetch <see cref="BlobObjectStoreOptions.ReadBufferSize"/> ranges on demand (<see cref="BlobRangeReadStream"/>);
/// writes up to <see cref="BlobObjectStoreOptions.SingleUploadLimit"/> are one Put Blob, larger ones block uploads from
/// the caller's stream; appends use append blobs. A container is created the first time this instance writes to it.
/// Errors are mapped to the store's exceptions, whose messages carry the container and a hash of the object name,
/// never the name (<see cref="ObjectNames.Describe"/>).
/// </summary>
public sealed class BlobObjectStore : IObjectStore
{
    private readonly BlobServiceClient _service;
    private readonly BlobObjectStoreOptions _options;
    private readonly ConcurrentDictionary<string, Lazy<Task>> _ensuredContainers = new(StringComparer.Ordinal);

    /// <param name="service">Identity-based in Azure (<c>new BlobServiceClient(uri, credential)</c>); a connection string for Azurite.</param>
    public BlobObjectStore(BlobServiceClient service, BlobObjectStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
        _options = options ?? new BlobObjectStoreOptions();
        _options.Validate();
    }

    /// <summary>Creates every container of <see cref="Containers.All"/> that does not exist yet (Telerad.Local, tests, first deployment).</summary>
    public async Task EnsureContainersAsync(CancellationToken cancellationToken = default)
    {
        foreach (var container in Containers.All)
        {
            await EnsureContainerAsync(container, cancellationToken);
        }
    }

    public Task<ObjectProperties?> GetPropertiesAsync(ObjectRef reference, CancellationToken cancellationToken = default) =>
        RequestAsync("reading the properties of", reference, async () =>
        {
            var p = (await Blob(reference).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            return (ObjectProperties?)new ObjectProperties(reference, p.ContentLength, p.ETag.ToString(), p.LastModified, Metadata(p.Metadata));
        }, whenMissing: () => null);

    public Task<Stream> OpenReadAsync(ObjectRef reference, CancellationToken cancellationToken = default) =>
        OpenReadAsync(reference, _options.ReadBufferSize, cancellationToken);

    /// <summary>One GET (a 404 is the answer "none"), where properties then an opened stream would be three requests.</summary>
    public Task<byte[]?> TryReadAllBytesAsync(ObjectRef reference, CancellationToken cancellationToken = default) =>
        RequestAsync("reading", reference, async () => (byte[]?)(await Blob(reference).DownloadContentAsync(cancellationToken)).Value.Content.ToArray(), whenMissing: () => null);

    public Task<Stream> OpenHeaderReadAsync(ObjectRef reference, CancellationToken cancellationToken = default) =>
        OpenReadAsync(reference, _options.HeaderReadBufferSize, cancellationToken);

    /// <summary>One GET: the first range carries the length, ETag, last-modified time and metadata.</summary>
    public async Task<(Stream Content, ObjectProperties Properties)> OpenReadWithPropertiesAsync(ObjectRef reference, CancellationToken cancellationToken = default)
    {
        var stream = await OpenRangeStreamAsync(reference, _options.ReadBufferSize, cancellationToken);
        return (new StoreReadStream(stream, reference), new ObjectProperties(reference, stream.Length, stream.ETag, stream.LastModified, Metadata(stream.Metadata)));
    }

    private async Task<Stream> OpenReadAsync(ObjectRef reference, int bufferSize, CancellationToken cancellationToken) =>
        new StoreReadStream(await OpenRangeStreamAsync(reference, bufferSize, cancellationToken), reference);

    // Seekable, one buffer per ranged GET, pinned to the ETag of the first range: a blob replaced while being read
    // fails the read (412) instead of silently mixing two versions.
    private Task<BlobRangeReadStream> OpenRangeStreamAsync(ObjectRef reference, int bufferSize, CancellationToken cancellationToken) =>
        RequestAsync("opening", reference, () => BlobRangeReadStream.OpenAsync(Blob(reference), bufferSize, cancellationToken),
            whenMissing: () => throw new ObjectNotFoundException($"No object in {ObjectNames.Describe(reference)}."));

    public async Task<ObjectProperties> WriteAsync(ObjectRef reference, Stream content, ObjectWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        options ??= new ObjectWriteOptions();
        var metadata = ValidMetadata(options.Metadata);
        await EnsureContainerAsync(reference.Container, cancellationToken);
        var blob = Blob(reference);
        var upload = new BlobUploadOptions
        {
            Metadata = metadata,
            HttpHeaders = options.ContentType is null ? null : new BlobHttpHeaders { ContentType = options.ContentType },
            // If-None-Match: * makes the create atomic: of two writers, exactly one wins.
            Conditions = options.IfNotExists ? new BlobRequestConditions { IfNoneMatch = ETag.All } : null,
            TransferOptions = new StorageTransferOptions
            {
                InitialTransferSize = _options.SingleUploadLimit,
                MaximumTransferSize = _options.BlockSize,
                MaximumConcurrency = _options.UploadConcurrency,
            },
        };
        // A forward-only source (a pipe from a writer) is read up to the single-upload limit first: if it ends within
        // it, it goes up in one Put Blob, where the SDK would stage a block and commit a block list (two requests for a
        // 0.5 MB slice). Memory held: at most that limit, as the SDK's own block buffering.
        using var head = content.CanSeek ? null : await ReadUpToAsync(content, _options.SingleUploadLimit + 1, cancellationToken);
        if (head is not null)
        {
            content = head.Length <= _options.SingleUploadLimit ? head : new PrefixedReadStream(head.GetBuffer().AsMemory(0, (int)head.Length), content);
        }

        // The upload response has no length: count what the SDK reads (a seekable source may be re-read on retries,
        // so its length is taken from the stream instead). No properties call afterwards: a write-only credential
        // (an uploader's SAS) may not read.
        var start = content.CanSeek ? content.Position : 0;
        using var counted = content.CanSeek ? null : new CountingReadStream(content);
        try
        {
            var response = await blob.UploadAsync((Stream?)counted ?? content, upload, cancellationToken);
            var length = counted?.BytesRead ?? content.Length - start;
            return new ObjectProperties(reference, length, response.Value.ETag.ToString(), response.Value.LastModified, Metadata(metadata));
        }
        catch (RequestFailedException e) when (options.IfNotExists && IsAlreadyExists(e))
        {
            throw new ObjectAlreadyExistsException($"An object already exists in {ObjectNames.Describe(reference)}.");
        }
        catch (RequestFailedException e)
        {
            throw Failed("writing", reference, e);
        }
        catch (AggregateException e) when (IsRetriesExhausted(e))
        {
            throw Unreachable("writing", reference, e);
        }
    }

    /// <summary>The first <paramref name="limit"/> bytes of a forward-only stream (fewer if it ends), as a readable stream at 0.</summary>
    private static async Task<MemoryStream> ReadUpToAsync(Stream content, long limit, CancellationToken cancellationToken)
    {
        var head = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while (head.Length < limit && (read = await content.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - head.Length)), cancellationToken)) > 0)
        {
            head.Write(chunk, 0, read);
        }

        head.Position = 0;
        return head;
    }

    public async Task AppendAsync(ObjectRef reference, ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default)
    {
        if (block.Length == 0)
        {
            return; // Azure refuses an empty append block; appending nothing is nothing.
        }

        var blob = _service.GetBlobContainerClient(reference.Container).GetAppendBlobClient(reference.Name);
        if (block.Length > blob.AppendBlobMaxAppendBlockBytes)
        {
            throw new ArgumentException($"An append block holds at most {blob.AppendBlobMaxAppendBlockBytes} bytes; this one has {block.Length}.", nameof(block));
        }

        try
        {
            try
            {
                await AppendBlockAsync(blob, block, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // First append of the day (or of a new container): create, then append. Two writers racing here
                // both succeed: CreateIfNotExists does not replace a blob another writer just created.
                await EnsureContainerAsync(reference.Container, cancellationToken);
                await blob.CreateIfNotExistsAsync(new AppendBlobCreateOptions { HttpHeaders = new BlobHttpHeaders { ContentType = _options.AppendContentType } }, cancellationToken);
                await AppendBlockAsync(blob, block, cancellationToken);
            }
        }
        catch (RequestFailedException e)
        {
            throw Failed("appending to", reference, e);
        }
        catch (AggregateException e) when (IsRetriesExhausted(e))
        {
            throw Unreachable("appending to", reference, e);
        }
    }

    public async IAsyncEnumerable<ObjectProperties> ListAsync(string container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var client = _service.GetBlobContainerClient(container);
        var pages = client.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix, Traits = BlobTraits.Metadata }, cancellationToken).AsPages();
        await foreach (var item in ItemsAsync(pages, container, prefix, cancellationToken))
        {
            yield return Properties(container, item);
        }
    }

    /// <summary>The service's delimiter listing: one entry per folder, however many objects it holds.</summary>
    public async IAsyncEnumerable<ObjectLevelEntry> ListLevelAsync(string container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var client = _service.GetBlobContainerClient(container);
        var pages = client.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Prefix = prefix, Delimiter = "/", Traits = BlobTraits.Metadata }, cancellationToken).AsPages();
        await foreach (var item in ItemsAsync(pages, container, prefix, cancellationToken))
        {
            yield return item.IsPrefix ? new ObjectLevelEntry(item.Prefix, null) : new ObjectLevelEntry(null, Properties(container, item.Blob));
        }
    }

    /// <summary>A listing's items, page by page, in the service's order (UTF-8 binary name order); a missing container lists nothing.</summary>
    private static async IAsyncEnumerable<T> ItemsAsync<T>(IAsyncEnumerable<Page<T>> listing, string container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : notnull
    {
        var pages = listing.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                Page<T> page;
                try
                {
                    if (!await pages.MoveNextAsync())
                    {
                        yield break;
                    }

                    page = pages.Current;
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    yield break; // no container: nothing in it
                }
                catch (RequestFailedException e)
                {
                    throw Failed("listing", new ObjectRef(container, prefix), e);
                }
                catch (AggregateException e) when (IsRetriesExhausted(e))
                {
                    throw Unreachable("listing", new ObjectRef(container, prefix), e);
                }

                foreach (var item in page.Values)
                {
                    yield return item;
                }
            }
        }
        finally
        {
            await pages.DisposeAsync();
        }
    }

    private static ObjectProperties Properties(string container, BlobItem item)
    {
        var p = item.Properties;
        return new ObjectProperties(
            new ObjectRef(container, item.Name),
            p.ContentLength ?? 0,
            p.ETag?.ToString() ?? string.Empty,
            p.LastModified ?? DateTimeOffset.MinValue,
            Metadata(item.Metadata));
    }

    public Task<bool> DeleteAsync(ObjectRef reference, CancellationToken cancellationToken = default) =>
        RequestAsync("deleting", reference, async () => (await Blob(reference).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken)).Value, whenMissing: () => false);

    /// <summary>
    /// One request about one object: a 404 is answered by <paramref name="whenMissing"/> (a value, or the store's "not
    /// found"), any other refusal or exhausted retries become the store's errors naming the action and the object.
    /// </summary>
    private static async Task<T> RequestAsync<T>(string action, ObjectRef reference, Func<Task<T>> request, Func<T> whenMissing)
    {
        try
        {
            return await request();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return whenMissing();
        }
        catch (RequestFailedException e)
        {
            throw Failed(action, reference, e);
        }
        catch (AggregateException e) when (IsRetriesExhausted(e))
        {
            throw Unreachable(action, reference, e);
        }
    }

    private BlobClient Blob(ObjectRef reference)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference.Container, nameof(reference));
        ArgumentException.ThrowIfNullOrEmpty(reference.Name, nameof(reference));
        return _service.GetBlobContainerClient(reference.Container).GetBlobClient(reference.Name);
    }

    private static async Task AppendBlockAsync(AppendBlobClient blob, ReadOnlyMemory<byte> block, CancellationToken cancellationToken)
    {
        using var stream = MemoryMarshal.TryGetArray(block, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(block.ToArray(), writable: false);
        await blob.AppendBlockAsync(stream, cancellationToken: cancellationToken);
    }

    /// <summary>Creates the container once per instance. A credential that may not create containers (a container
    /// SAS, an uploader identity limited to blob writes) is fine: the container exists in Azure (Bicep creates it),
    /// and if it does not, the write that follows fails with a clear error.</summary>
    private Task EnsureContainerAsync(string container, CancellationToken cancellationToken)
    {
        var lazy = _ensuredContainers.GetOrAdd(container, name => new Lazy<Task>(() => CreateContainerAsync(name)));
        return lazy.Value.WaitAsync(cancellationToken);
    }

    private async Task CreateContainerAsync(string container)
    {
        try
        {
            await _service.GetBlobContainerClient(container).CreateIfNotExistsAsync();
        }
        catch (RequestFailedException e) when (e.Status == 403)
        {
            // Not ours to create; see above.
        }
        catch (RequestFailedException e)
        {
            _ensuredContainers.TryRemove(container, out _); // try again next time
            throw new ObjectStoreException($"Blob storage could not create container '{container}': {e.Status} {e.ErrorCode}.", e.Status, e.ErrorCode);
        }
    }

    private static bool IsAlreadyExists(RequestFailedException e) =>
        // Put Blob answers 409 BlobAlreadyExists; a block list commit under If-None-Match answers 412 ConditionNotMet.
        e.ErrorCode is "BlobAlreadyExists" or "ConditionNotMet";

    private static ObjectStoreException Failed(string action, ObjectRef reference, RequestFailedException e) =>
        // e.Message is not used: an authentication error body echoes the canonical resource, i.e. the object name.
        new($"Blob storage failed {action} {ObjectNames.Describe(reference)}: {e.Status} {e.ErrorCode ?? "(no error code)"}.", e.Status, e.ErrorCode);

    /// <summary>Azure.Core's retry policy throws an AggregateException when every attempt failed without an answer.</summary>
    private static bool IsRetriesExhausted(AggregateException e) =>
        e.InnerExceptions.Count > 0 && e.InnerExceptions.All(inner => inner is RequestFailedException or OperationCanceledException);

    private static ObjectStoreException Unreachable(string action, ObjectRef reference, AggregateException e) =>
        // The transport's message (e.g. "Connection refused (host:port)") names the endpoint, not the object.
        new($"Blob storage could not be reached for {action} {ObjectNames.Describe(reference)} ({e.InnerExceptions.Count} attempts): {e.InnerExceptions[^1].InnerException?.Message ?? e.InnerExceptions[^1].GetType().Name}.", 0, null);

    private static Dictionary<string, string>? ValidMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || metadata.Count == 0)
        {
            return null;
        }

        var valid = new Dictionary<string, string>(metadata.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in metadata)
        {
            // Blob metadata travels as HTTP headers x-ms-meta-{key}: keys are C# identifiers, values printable ASCII.
            if (key.Length == 0 || !(char.IsAsciiLetter(key[0]) || key[0] == '_') || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_')))
            {
                throw new ArgumentException("Metadata keys must be identifiers (ASCII letters, digits, '_').", nameof(metadata));
            }

            if (value.Any(c => c < 0x20 || c > 0x7E))
            {
                throw new ArgumentException($"The value of metadata key '{key}' must be printable ASCII.", nameof(metadata));
            }

            if (!valid.TryAdd(key, value))
            {
                throw new ArgumentException($"Metadata key '{key}' is given twice (keys are case-insensitive).", nameof(metadata));
            }
        }

        return valid;
    }

    private static Dictionary<string, string> Metadata(IDictionary<string, string>? metadata) =>
        metadata is null
            ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>(metadata, StringComparer.OrdinalIgnoreCase);
}

/// <summary>Sizes for <see cref="BlobObjectStore"/>.</summary>
public sealed record BlobObjectStoreOptions
{
    /// <summary>Bytes fetched per ranged GET when reading (default 4 MiB): the most a reader holds of an object.</summary>
    public int ReadBufferSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Range size of <see cref="BlobObjectStore.OpenHeaderReadAsync"/>: a DICOM header is a few KB.</summary>
    public int HeaderReadBufferSize { get; init; } = 64 * 1024;

    /// <summary>Objects up to this size go up in one Put Blob (default 8 MiB); larger ones in blocks.</summary>
    public long SingleUploadLimit { get; init; } = 8 * 1024 * 1024;

    /// <summary>Block size of block uploads (default 8 MiB).</summary>
    public long BlockSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>Blocks of one object in flight at once (default 2): memory per write is about this times <see cref="BlockSize"/>.</summary>
    public int UploadConcurrency { get; init; } = 2;

    /// <summary>Content type of append blobs created by <see cref="BlobObjectStore.AppendAsync"/>.</summary>
    public string AppendContentType { get; init; } = "application/x-ndjson";

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadBufferSize, 4096, nameof(ReadBufferSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(HeaderReadBufferSize, 4096, nameof(HeaderReadBufferSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(SingleUploadLimit, 1, nameof(SingleUploadLimit));
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockSize, 1, nameof(BlockSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(UploadConcurrency, 1, nameof(UploadConcurrency));
    }
}
