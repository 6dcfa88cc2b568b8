using Telerad.Storage;

namespace Telerad.Upload;

/// <summary>A local file to upload: its path, its object name under the upload's prefix, and why that name cannot be used (if so).</summary>
internal sealed record LocalFile(string FullPath, string Name, long Length, string? NameProblem);

/// <summary>Finds the files to upload and gives each its object name: the path relative to the folder, '/'-separated.</summary>
internal static class LocalFiles
{
    /// <summary>Azure's limit on a blob name, minus room for <c>{tenant}/{upload-id}/</c>.</summary>
    private const int MaxNameLength = 1024 - UploadIds.MaxTenantLength - UploadIds.MaxUploadIdLength - 2;

    public static List<LocalFile> Find(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            var info = new FileInfo(path);
            return [Describe(info.FullName, info.Name, info.Length)];
        }

        if (!Directory.Exists(path))
        {
            throw new FileNotFoundException($"No file or folder at {path}.");
        }

        var root = Path.GetFullPath(path);
        // Every file, hidden ones included: nothing is left behind silently (ingestion says what it refuses).
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        return [.. Directory.EnumerateFiles(root, "*", options)
            .Select(f => new FileInfo(f))
            .Select(f => Describe(f.FullName, Path.GetRelativePath(root, f.FullName).Replace(Path.DirectorySeparatorChar, '/'), f.Length))
            .OrderBy(f => f.Name, StringComparer.Ordinal)];
    }

    private static LocalFile Describe(string fullPath, string name, long length) => new(fullPath, name, length, ProblemWith(name));

    /// <summary>Names Azure would change or that would collide with the manifest are refused rather than stored under another name.</summary>
    private static string? ProblemWith(string name)
    {
        if (name == UploadManifest.FileName)
        {
            return $"A file named {UploadManifest.FileName} at the top of the upload would be replaced by the upload's manifest; move or rename it.";
        }

        if (name.Length > MaxNameLength)
        {
            return $"The path is longer than {MaxNameLength} characters.";
        }

        if (name.Any(c => char.IsControl(c) || c == '\\'))
        {
            return "The path contains a control character or a backslash.";
        }

        if (name.Split('/').Any(segment => segment.EndsWith('.')))
        {
            return "A file or folder name ends with '.', which blob storage does not keep.";
        }

        return null;
    }
}
