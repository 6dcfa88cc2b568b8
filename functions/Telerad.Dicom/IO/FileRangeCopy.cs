using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Telerad.Dicom;

/// <summary>
/// Copies a byte range from one file to another inside the kernel (Linux copy_file_range(2)), so pixel data
/// moves from an input file to an output file without passing through user memory — what `cp` does.
/// Returns false, having copied nothing, when it cannot (not Linux, files on different file systems, a
/// destination that is not a regular file, a kernel without the call); the caller then copies through user
/// memory, with the same result.
/// </summary>
internal static partial class FileRangeCopy
{
    private const int ENOSYS = 38;

    /// <summary>Set once the kernel has said it has no copy_file_range at all; other failures are per call.</summary>
    private static volatile bool s_kernelLacksCall;

    [ThreadStatic]
    private static bool t_disabled;

    [ThreadStatic]
    private static long t_bytesCopied;

    /// <summary>For tests: copies made on this thread go through user memory.</summary>
    internal static bool DisabledOnThisThread
    {
        get => t_disabled;
        set => t_disabled = value;
    }

    /// <summary>For tests: bytes this thread has copied inside the kernel.</summary>
    internal static long BytesCopiedOnThisThread => t_bytesCopied;

    public static bool TryCopy(SafeFileHandle source, long sourceOffset, FileStream destination, long length)
    {
        if (t_disabled || s_kernelLacksCall || !OperatingSystem.IsLinux() || length <= 0)
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
                var errno = copied < 0 ? Marshal.GetLastPInvokeError() : 0;
                if (left == length)
                {
                    // Nothing copied yet, so the caller can copy it all: EXDEV (two file systems), EINVAL or EOPNOTSUPP
                    // (a pipe, a file system without support) concern these files only; ENOSYS the whole kernel.
                    // 0 means the input ended early: the caller's copy reports the truncated file.
                    s_kernelLacksCall |= errno == ENOSYS;
                    return false;
                }

                throw new IOException($"Copying a value between files failed after {length - left} of {length} bytes (errno {errno}).");
            }

            left -= copied;
            t_bytesCopied += copied;
        }

        destination.Position = outputOffset;
        return true;
    }

    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static partial long CopyFileRange(int fdIn, ref long offIn, int fdOut, ref long offOut, nuint length, uint flags);
}
