using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Telerad.Storage;

/// <summary>Reading small objects whole (summaries, reports, configuration documents): null when the object does not exist.</summary>
public static class ObjectStoreReads
{
    public static Task<byte[]?> ReadAllBytesIfExistsAsync(this IObjectStore store, ObjectRef reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.TryReadAllBytesAsync(reference, cancellationToken);
    }

    public static async Task<T?> ReadJsonIfExistsAsync<T>(this IObjectStore store, ObjectRef reference, JsonTypeInfo<T> type, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return await store.TryReadAllBytesAsync(reference, cancellationToken).ConfigureAwait(false) is { } bytes
            ? JsonSerializer.Deserialize(bytes, type)
            : default;
    }
}
