using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Telerad.Storage;

/// <summary>Reading small objects whole (summaries, reports, configuration documents): null when the object does not exist.</summary>
public static class ObjectStoreReads
{
    public static async Task<byte[]?> ReadAllBytesIfExistsAsync(this IObjectStore store, ObjectRef reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await store.GetPropertiesAsync(reference, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        await using var content = await store.OpenReadAsync(reference, cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    public static async Task<T?> ReadJsonIfExistsAsync<T>(this IObjectStore store, ObjectRef reference, JsonTypeInfo<T> type, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await store.GetPropertiesAsync(reference, cancellationToken).ConfigureAwait(false) is null)
        {
            return default;
        }

        await using var content = await store.OpenReadAsync(reference, cancellationToken).ConfigureAwait(false);
        return await JsonSerializer.DeserializeAsync(content, type, cancellationToken).ConfigureAwait(false);
    }
}
