using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Telerad.Deidentification;

/// <summary>
/// An output file that appears under its name only once it is complete, so no reader ever sees half a file.
/// On Linux it starts as an unnamed file in the output folder (open(2) with O_TMPFILE) and gets its name with
/// linkat(2) when complete: one change to the folder instead of a create and a rename, and nothing is left
/// behind if the process dies while writing. Where that is not possible (another OS, a file system without
/// O_TMPFILE, no /proc) it is a "{target}.partial-*" file beside the target, renamed into place. Disposing a
/// file that was not published discards it.
/// </summary>
internal sealed partial class PendingOutputFile : IDisposable
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkFollow = 0x400;
    private const int ReadWrite = 0x2;
    private const int CloseOnExec = 0x80000;
    private const int TmpFile = 0x400000 | 0x10000; // O_TMPFILE = __O_TMPFILE | O_DIRECTORY
    private const int CreateMode = 0x1B6; // 0666 & ~umask: what FileStream gives a new file
    private const int EEXIST = 17;

    private static readonly bool ProcSelfFdExists = OperatingSystem.IsLinux() && Directory.Exists("/proc/self/fd");

    private readonly string _target;
    private string? _temporaryPath; // null while the file has no name
    private bool _published;

    private PendingOutputFile(string target, FileStream stream, string? temporaryPath)
    {
        _target = target;
        Stream = stream;
        _temporaryPath = temporaryPath;
    }

    /// <summary>Where to write (readable too, for comparisons). Unbuffered: the DICOM writer buffers itself.</summary>
    public FileStream Stream { get; }

    /// <summary>Whether the file is still unnamed (O_TMPFILE); false for a ".partial-*" file.</summary>
    public bool IsUnnamed => _temporaryPath is null && !_published;

    /// <summary>
    /// A new pending file that will become <paramref name="target"/>; <paramref name="allowUnnamed"/> false forces a
    /// ".partial-*" file (tests use it for the path other systems take).
    /// </summary>
    public static PendingOutputFile Create(string target, bool allowUnnamed = true)
    {
        if (allowUnnamed && ProcSelfFdExists)
        {
            // open(2) is variadic; its mode argument is passed like a fixed one by the Linux x64 and arm64 calling conventions.
            var fd = Open(Path.GetDirectoryName(target)!, TmpFile | ReadWrite | CloseOnExec, CreateMode);
            if (fd >= 0)
            {
                return new PendingOutputFile(target, new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.ReadWrite, bufferSize: 0), null);
            }

            // EOPNOTSUPP (the file system has no O_TMPFILE), EISDIR (an older kernel) ...: a named file will do.
        }

        var path = TemporaryPath(target);
        return new PendingOutputFile(target, new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0), path);
    }

    /// <summary>Gives the complete file its target name, replacing any file of that name.</summary>
    public void Publish()
    {
        var target = _target;
        ObjectDisposedException.ThrowIf(_published, this);
        if (_temporaryPath is null)
        {
            var fd = Stream.SafeFileHandle.DangerousGetHandle().ToString(CultureInfo.InvariantCulture);
            if (LinkAt(AtFdCwd, "/proc/self/fd/" + fd, AtFdCwd, target, AtSymlinkFollow) == 0)
            {
                _published = true;
                return;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != EEXIST)
            {
                throw new IOException($"Naming the output file failed (linkat errno {errno}).");
            }

            // A file of that name exists (an earlier run): name this one beside it, then rename it over the old one.
            var beside = TemporaryPath(target);
            if (LinkAt(AtFdCwd, "/proc/self/fd/" + fd, AtFdCwd, beside, AtSymlinkFollow) != 0)
            {
                throw new IOException($"Naming the output file failed (linkat errno {Marshal.GetLastPInvokeError()}).");
            }

            _temporaryPath = beside;
        }

        Stream.Dispose();
        File.Move(_temporaryPath, target, overwrite: true);
        _published = true;
    }

    /// <summary>
    /// Gives the complete file a temporary name beside its target ("{target}.partial-*") and returns it; the caller
    /// then owns that file (renames or deletes it).
    /// </summary>
    public string KeepAsTemporaryFile()
    {
        ObjectDisposedException.ThrowIf(_published, this);
        var path = _temporaryPath;
        if (path is null)
        {
            path = TemporaryPath(_target);
            var fd = Stream.SafeFileHandle.DangerousGetHandle().ToString(CultureInfo.InvariantCulture);
            if (LinkAt(AtFdCwd, "/proc/self/fd/" + fd, AtFdCwd, path, AtSymlinkFollow) != 0)
            {
                throw new IOException($"Naming the output file failed (linkat errno {Marshal.GetLastPInvokeError()}).");
            }
        }

        Stream.Dispose();
        _published = true;
        return path;
    }

    /// <summary>Closes the file; one that was not published is gone afterwards (an unnamed one simply ceases to exist).</summary>
    public void Dispose()
    {
        Stream.Dispose();
        if (!_published && _temporaryPath is not null)
        {
            File.Delete(_temporaryPath);
        }

        _published = true;
    }

    private static string TemporaryPath(string target) => target + ".partial-" + Guid.NewGuid().ToString("N");

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkAt(int oldDirectory, string oldPath, int newDirectory, string newPath, int flags);
}
