using System.Runtime.InteropServices;

namespace Telerad.Dicom;

/// <summary>
/// Whether a native codec library can be used here: it loads and exports every function a codec calls.
/// Checked once, before the first P/Invoke, so a missing library reports a reason instead of throwing
/// <see cref="DllNotFoundException"/> or <see cref="EntryPointNotFoundException"/> in the middle of a decode.
/// No assembly-wide DllImportResolver is installed: the [LibraryImport] names are the sonames Debian ships.
/// </summary>
internal sealed record NativeCodecLibrary(bool IsAvailable, string? UnavailableReason)
{
    public static NativeCodecLibrary Probe(string libraryName, string debianPackage, IEnumerable<string> requiredExports)
    {
        ArgumentNullException.ThrowIfNull(requiredExports);
        if (!NativeLibrary.TryLoad(libraryName, typeof(NativeCodecLibrary).Assembly, null, out var handle))
        {
            return new NativeCodecLibrary(false, $"{libraryName} could not be loaded (on Debian: apt-get install {debianPackage})");
        }

        // The handle stays loaded on purpose: the generated P/Invoke stubs resolve the same library later.
        var missing = requiredExports.Where(name => !NativeLibrary.TryGetExport(handle, name, out _)).ToList();
        return missing.Count == 0
            ? new NativeCodecLibrary(true, null)
            : new NativeCodecLibrary(false, $"{libraryName} lacks {string.Join(", ", missing)} (too old a version?)");
    }
}
