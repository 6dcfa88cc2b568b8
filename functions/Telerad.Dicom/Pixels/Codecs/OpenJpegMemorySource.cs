using System.Runtime.InteropServices;

namespace Telerad.Dicom;

/// <summary>
/// An OpenJPEG input stream over a pinned byte range: the read/skip/seek callbacks of opj_stream_t
/// (openjpeg.h, "I/O stream") working on a cursor that lives on the caller's stack while decoding runs.
/// </summary>
internal unsafe struct OpenJpegMemorySource
{
    private byte* _data;
    private long _length;
    private long _position;

    /// <summary>Creates an opj_stream_t reading <paramref name="source"/>; both must outlive the stream, which the caller destroys.</summary>
    public static nint CreateStream(OpenJpegMemorySource* source, byte* data, long length)
    {
        source->_data = data;
        source->_length = length;
        source->_position = 0;

        // OpenJPEG copies through its own buffer of this size; the whole frame (capped at 1 MiB) avoids refills.
        var bufferSize = (nuint)Math.Clamp(length, 4096, 1 << 20);
        var stream = OpenJpegNative.StreamCreate(bufferSize, OpenJpegNative.True);
        if (stream == 0)
        {
            throw new PixelDecodeException("JPEG 2000: OpenJPEG could not create an input stream (out of memory?)");
        }

        OpenJpegNative.StreamSetUserData(stream, source, null);
        OpenJpegNative.StreamSetUserDataLength(stream, (ulong)length);
        OpenJpegNative.StreamSetReadFunction(stream, &Read);
        OpenJpegNative.StreamSetSkipFunction(stream, &Skip);
        OpenJpegNative.StreamSetSeekFunction(stream, &Seek);
        return stream;
    }

    [UnmanagedCallersOnly]
    private static nuint Read(void* destination, nuint count, void* userData)
    {
        var source = (OpenJpegMemorySource*)userData;
        var available = source->_length - source->_position;
        if (available <= 0)
        {
            return unchecked((nuint)OpenJpegNative.StreamFailure);
        }

        var n = (long)Math.Min((ulong)available, count);
        Buffer.MemoryCopy(source->_data + source->_position, destination, n, n);
        source->_position += n;
        return (nuint)n;
    }

    /// <summary>Relative move, clamped to the data; -1 when nothing could be skipped although asked to.</summary>
    [UnmanagedCallersOnly]
    private static long Skip(long count, void* userData)
    {
        var source = (OpenJpegMemorySource*)userData;
        var target = Math.Clamp(source->_position + count, 0, source->_length);
        var moved = target - source->_position;
        if (moved == 0 && count != 0)
        {
            return OpenJpegNative.StreamFailure;
        }

        source->_position = target;
        return moved;
    }

    [UnmanagedCallersOnly]
    private static int Seek(long position, void* userData)
    {
        var source = (OpenJpegMemorySource*)userData;
        if (position < 0 || position > source->_length)
        {
            return 0;
        }

        source->_position = position;
        return OpenJpegNative.True;
    }
}
