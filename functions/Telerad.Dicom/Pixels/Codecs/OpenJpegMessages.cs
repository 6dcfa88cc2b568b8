using System.Runtime.InteropServices;

namespace Telerad.Dicom;

/// <summary>
/// Collects OpenJPEG's error messages for one decode (to explain a failure in a <see cref="PixelDecodeException"/>)
/// and swallows its info and warning messages, so the library never writes to stdout/stderr. The messages
/// describe codestream structure (markers, sizes), never pixel values.
/// </summary>
internal sealed unsafe class OpenJpegMessages : IDisposable
{
    private const int MaxKept = 3;

    private readonly List<string> _errors = [];
    private GCHandle _handle;

    public OpenJpegMessages()
    {
        _handle = GCHandle.Alloc(this);
    }

    /// <summary>The first few errors, which name the cause; later ones are usually consequences.</summary>
    public string Summary
    {
        get
        {
            lock (_errors)
            {
                return _errors.Count == 0 ? "no detail given" : string.Join("; ", _errors);
            }
        }
    }

    /// <summary>Routes the codec's messages here; false if OpenJPEG refused a handler. OpenJPEG may call back from its worker threads, hence the lock in <see cref="Add"/>.</summary>
    public bool TryAttach(nint codec)
    {
        var clientData = (void*)GCHandle.ToIntPtr(_handle);
        return OpenJpegNative.SetInfoHandler(codec, &Ignore, null) != 0
            && OpenJpegNative.SetWarningHandler(codec, &Ignore, null) != 0
            && OpenJpegNative.SetErrorHandler(codec, &OnError, clientData) != 0;
    }

    public void Dispose()
    {
        if (_handle.IsAllocated)
        {
            _handle.Free();
        }
    }

    private void Add(string message)
    {
        lock (_errors)
        {
            if (_errors.Count < MaxKept)
            {
                _errors.Add(message.Trim());
            }
        }
    }

    [UnmanagedCallersOnly]
    private static void OnError(byte* message, void* clientData)
    {
        // An exception must never unwind into native code: that would end the process.
        try
        {
            if (clientData != null && message != null && GCHandle.FromIntPtr((nint)clientData).Target is OpenJpegMessages messages)
            {
                messages.Add(Marshal.PtrToStringUTF8((nint)message) ?? string.Empty);
            }
        }
#pragma warning disable CA1031 // see above: nothing may escape a native callback
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    [UnmanagedCallersOnly]
    private static void Ignore(byte* message, void* clientData)
    {
    }
}
