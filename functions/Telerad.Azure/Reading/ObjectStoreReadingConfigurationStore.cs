using Telerad.Reading.Configuration;
using Telerad.Storage;

namespace Telerad.Azure;

/// <summary>The reading configuration documents in the <c>config</c> container (Azure; Azurite locally if wanted).</summary>
public sealed class ObjectStoreReadingConfigurationStore(IObjectStore store, string container = Containers.Config) : IReadingConfigurationStore
{
    public async Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        // Plain document names only: a name with a path would read another object of the container.
        if (string.IsNullOrEmpty(name) || name.Contains('/', StringComparison.Ordinal) || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a configuration document name", nameof(name));
        }

        return await store.ReadAllBytesIfExistsAsync(new ObjectRef(container, name), cancellationToken);
    }
}
