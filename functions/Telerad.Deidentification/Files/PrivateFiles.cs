namespace Telerad.Deidentification;

/// <summary>Files and folders only their owner can read (0600 / 0700 on Unix): keys, maps, audit lines.</summary>
internal static class PrivateFiles
{
    public static FileStream Open(string path, FileMode mode, FileAccess access, FileShare share = FileShare.None)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }

    public static void CreateDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Replaces <paramref name="path"/> whole: writes a temp file beside it (CreateNew), fsyncs, renames
    /// it over. Readers see the old content or the new one, never a mix.</summary>
    public static void Replace(string path, ReadOnlySpan<byte> content)
    {
        CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = Open(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// An exclusive lock across processes: FileShare.None on a side file. On Unix .NET takes an advisory flock
    /// on it, which the OS drops when the process ends, so a crash leaves no stale lock. Dispose to release.
    /// </summary>
    public static async Task<FileStream> LockAsync(string lockPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        FileStream? held;
        while ((held = TryLock(lockPath, deadline)) is null)
        {
            await Task.Delay(Random.Shared.Next(2, 20), cancellationToken);
        }

        return held;
    }

    /// <summary>The synchronous <see cref="LockAsync"/>, for synchronous callers (the key file).</summary>
    public static FileStream Lock(string lockPath, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        FileStream? held;
        while ((held = TryLock(lockPath, deadline)) is null)
        {
            Thread.Sleep(Random.Shared.Next(2, 20));
        }

        return held;
    }

    /// <summary>The lock, or null if another holder has it and there is time left to wait (after that, the IOException).</summary>
    private static FileStream? TryLock(string lockPath, DateTime deadline)
    {
        CreateDirectory(Path.GetDirectoryName(lockPath)!);
        try
        {
            return Open(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (DateTime.UtcNow < deadline)
        {
            return null;
        }
    }
}
