using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Telerad.Dicom;

/// <summary>
/// Copies a byte range from one file to another inside the kernel (Linux copy_file_range), so pixel data
/// moves from an input file to an output file without passing through user memory — what `cp` does.
/// Returns false (and the caller copies normally) when the platform or file system cannot.
/// </summary>
internal static partial class FileRangeCopy
{
    private static bool _unavailable;

    public static bool TryCopy(SafeFileHandle source, long sourceOffset, FileStream destination, long length)
    {
        if (_unavailable || !OperatingSystem.IsLinux() || length <= 0)
        {
            return false;
        }

        destination.Flush();
        var outputOffset = destination.Position;
        var inputOffset = sourceOffset;
        var left = length;
        var inFd = (int)source.DangerousGetHandle();
        var outFd = (int)destination.SafeFileHandle.DangerousGetHandle();
        while (left > 0)
        {
            var copied = CopyFileRange(inFd, ref inputOffset, outFd, ref outputOffset, (nuint)Math.Min(left, 1L << 30), 0);
            if (copied <= 0)
            {
                if (left == length)
                {
                    // Nothing copied yet: fall back (ENOSYS, EXDEV, EINVAL on some file systems) and stop trying.
                    _unavailable = copied < 0;
                    return false;
                }

                throw new IOException($"Copying a value between files failed after {length - left} of {length} bytes (errno {Marshal.GetLastPInvokeError()}).");
            }

            left -= copied;
        }

        destination.Position = outputOffset;
        return true;
    }

    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static partial long CopyFileRange(int fdIn, ref long offIn, int fdOut, ref long offOut, nuint length, uint flags);
}
