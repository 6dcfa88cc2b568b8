namespace Telerad.Triage;

/// <summary>
/// Where models live: <c>{id}/{version}/manifest.json</c> and the .onnx file it names. The blob container
/// <c>models</c> in Azure (<see cref="ObjectStoreModelStore"/>), a folder locally (<see cref="FolderModelStore"/>).
/// </summary>
public interface IModelStore
{
    /// <summary>Every model version's manifest path, as "{id}/{version}".</summary>
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The bytes of a file of one model version (the manifest or the model).</summary>
    Task<byte[]> ReadAsync(string idAndVersion, string fileName, CancellationToken cancellationToken = default);
}

/// <summary>Models in a local folder (the repository's <c>models/</c> for the demo and tests).</summary>
public sealed class FolderModelStore(string root) : IModelStore
{
    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The model folder {root} does not exist.");
        }

        IReadOnlyList<string> found = [.. Directory.EnumerateFiles(root, ModelManifest.FileName, SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, Path.GetDirectoryName(f)!).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(p => p.Count(c => c == '/') == 1)
            .Order(StringComparer.Ordinal)];
        return Task.FromResult(found);
    }

    public async Task<byte[]> ReadAsync(string idAndVersion, string fileName, CancellationToken cancellationToken = default) =>
        await File.ReadAllBytesAsync(Path.Combine(root, idAndVersion, fileName), cancellationToken);
}

/// <summary>Models in the <c>models</c> container.</summary>
public sealed class ObjectStoreModelStore(IObjectStore store, string container = Containers.Models) : IModelStore
{
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        var found = new List<string>();
        await foreach (var item in store.ListAsync(container, string.Empty, cancellationToken))
        {
            var parts = item.Reference.Name.Split('/');
            if (parts.Length == 3 && parts[2] == ModelManifest.FileName)
            {
                found.Add(parts[0] + "/" + parts[1]);
            }
        }

        return [.. found.Order(StringComparer.Ordinal)];
    }

    public async Task<byte[]> ReadAsync(string idAndVersion, string fileName, CancellationToken cancellationToken = default)
    {
        await using var stream = await store.OpenReadAsync(new ObjectRef(container, idAndVersion + "/" + fileName), cancellationToken);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
