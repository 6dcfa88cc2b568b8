using System.Runtime.CompilerServices;

namespace Telerad.Storage;

/// <summary>
/// Object storage as Telerad uses it: containers of named objects. Azure Blob Storage in Azure, Azurite
/// locally and in tests (same implementation); the core never sees an Azure SDK type.
/// </summary>
public interface IObjectStore
{
    /// <summary>Properties of an object, or null if it does not exist.</summary>
    Task<ObjectProperties?> GetPropertiesAsync(ObjectRef reference, CancellationToken cancellationToken = default);

    /// <summary>
    /// A seekable stream over the object that fetches ranges on demand (never the whole object at once).
    /// Throws <see cref="ObjectNotFoundException"/> when it does not exist.
    /// </summary>
    Task<Stream> OpenReadAsync(ObjectRef reference, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="OpenReadAsync"/>, for reading little more than the start of an object (a DICOM header): a store
    /// that fetches ranges fetches small ones, so a 512 KB slice is not downloaded to read its first 4 KB.
    /// </summary>
    Task<Stream> OpenHeaderReadAsync(ObjectRef reference, CancellationToken cancellationToken = default) => OpenReadAsync(reference, cancellationToken);

    /// <summary>
    /// <see cref="OpenReadAsync"/> with the properties of the version the stream reads. A store that can takes them from
    /// its first read (one request instead of a properties request and a read), and a reader that needs both (the ETag
    /// it records, the length it checks) cannot pair one version's properties with another version's bytes. This
    /// default asks for the properties first. Throws <see cref="ObjectNotFoundException"/> when it does not exist.
    /// </summary>
    async Task<(Stream Content, ObjectProperties Properties)> OpenReadWithPropertiesAsync(ObjectRef reference, CancellationToken cancellationToken = default)
    {
        var properties = await GetPropertiesAsync(reference, cancellationToken).ConfigureAwait(false)
            ?? throw new ObjectNotFoundException($"No object in {ObjectNames.Describe(reference)}.");
        return (await OpenReadAsync(reference, cancellationToken).ConfigureAwait(false), properties);
    }

    /// <summary>
    /// A small object whole (a summary, a report, a configuration document), or null when it does not exist. A store that
    /// can should do it in one request: these reads are on every study's path, and a properties request followed by an
    /// opened stream costs three.
    /// </summary>
    async Task<byte[]?> TryReadAllBytesAsync(ObjectRef reference, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var content = await OpenReadAsync(reference, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Writes an object from a stream (uploaded in blocks, not buffered whole).</summary>
    /// <exception cref="ObjectAlreadyExistsException">When <see cref="ObjectWriteOptions.IfNotExists"/> is set and it exists.</exception>
    Task<ObjectProperties> WriteAsync(ObjectRef reference, Stream content, ObjectWriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Appends a block to an append object (audit logs), creating it if needed.</summary>
    Task AppendAsync(ObjectRef reference, ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default);

    /// <summary>Objects whose names start with <paramref name="prefix"/>, in name order.</summary>
    IAsyncEnumerable<ObjectProperties> ListAsync(string container, string prefix, CancellationToken cancellationToken = default);

    /// <summary>
    /// One level of the name hierarchy below <paramref name="prefix"/> (empty, or ending with '/'): the
    /// objects directly there, and each "folder" (the prefix plus the next name segment and its '/') once. Lets a caller
    /// skip folders it has no reason to read again. This default reads every object below the prefix; a store whose
    /// service lists by delimiter overrides it.
    /// </summary>
    async IAsyncEnumerable<ObjectLevelEntry> ListLevelAsync(string container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? lastFolder = null;
        await foreach (var item in ListAsync(container, prefix, cancellationToken))
        {
            var slash = item.Reference.Name.IndexOf('/', prefix.Length);
            if (slash < 0)
            {
                yield return new ObjectLevelEntry(null, item);
                continue;
            }

            var folder = item.Reference.Name[..(slash + 1)];
            if (folder != lastFolder)
            {
                lastFolder = folder;
                yield return new ObjectLevelEntry(folder, null);
            }
        }
    }

    /// <summary>Deletes an object; false if it did not exist.</summary>
    Task<bool> DeleteAsync(ObjectRef reference, CancellationToken cancellationToken = default);
}

/// <summary>An entry of <see cref="IObjectStore.ListLevelAsync"/>: a folder (a name prefix ending with '/') or an object.</summary>
public readonly record struct ObjectLevelEntry(string? Folder, ObjectProperties? Object);

/// <summary>A container and an object name in it.</summary>
public readonly record struct ObjectRef(string Container, string Name)
{
    public override string ToString() => $"{Container}/{Name}";
}

/// <summary>What the store knows about an object.</summary>
public sealed record ObjectProperties(
    ObjectRef Reference,
    long Length,
    string ETag,
    DateTimeOffset LastModified,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>How to write: metadata, content type, and whether an existing object may be replaced.</summary>
public sealed record ObjectWriteOptions
{
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    public string? ContentType { get; init; }

    /// <summary>Fail with <see cref="ObjectAlreadyExistsException"/> instead of replacing (idempotent creates).</summary>
    public bool IfNotExists { get; init; }
}

public sealed class ObjectNotFoundException : Exception
{
    public ObjectNotFoundException()
    {
    }

    public ObjectNotFoundException(string message)
        : base(message)
    {
    }

    public ObjectNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

public sealed class ObjectAlreadyExistsException : Exception
{
    public ObjectAlreadyExistsException()
    {
    }

    public ObjectAlreadyExistsException(string message)
        : base(message)
    {
    }

    public ObjectAlreadyExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The container names of docs/storage.md.</summary>
public static class Containers
{
    public const string Incoming = "incoming";
    public const string Deidentified = "deid";
    public const string Quarantine = "quarantine";
    public const string Audit = "audit";
    public const string Models = "models";
    public const string Config = "config";

    public static IReadOnlyList<string> All { get; } = [Incoming, Deidentified, Quarantine, Audit, Models, Config];
}
