namespace Telerad.Reading.Configuration;

/// <summary>
/// Where the configuration documents live: the <c>config</c> blob container in Azure, a folder locally.
/// Documents are named by file name (<see cref="ReadingConfigurationLoader.TenantsDocument"/> and friends).
/// </summary>
public interface IReadingConfigurationStore
{
    /// <summary>The document's bytes, or null when it does not exist.</summary>
    Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>Documents in a folder (<c>samples/config</c>, a test's temporary folder, the local runtime's <c>config/</c>).</summary>
public sealed class FolderReadingConfigurationStore : IReadingConfigurationStore
{
    public FolderReadingConfigurationStore(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = Path.GetFullPath(folder);
    }

    public string Folder { get; }

    public async Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        // Names are plain file names: a name with a path would read outside the configuration folder.
        if (string.IsNullOrEmpty(name) || name != Path.GetFileName(name) || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a configuration document name", nameof(name));
        }
        var path = Path.Combine(Folder, name);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }
}

/// <summary>Documents held in memory (tests, configuration pushed by another component).</summary>
public sealed class InMemoryReadingConfigurationStore(IReadOnlyDictionary<string, byte[]> documents) : IReadingConfigurationStore
{
    public Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(documents.TryGetValue(name, out var bytes) ? bytes : null);
}
