using System.Collections.Concurrent;

namespace Telerad.Triage;

/// <summary>
/// Frame-sized byte arrays reused across the slices of one series: decoding 300 CT slices into 300 new 512 KB arrays
/// costs more than the decoding (large-object allocations whose pages the kernel must zero, and the collections that
/// follow). Thread-safe; holds at most one array per worker that returned one.
/// </summary>
internal sealed class FrameBuffers
{
    private readonly ConcurrentBag<byte[]> _free = [];

    /// <summary>An array of exactly <paramref name="length"/> bytes, or null when the frame cannot be decoded in place.</summary>
    public byte[]? Rent(int? length)
    {
        if (length is not { } wanted)
        {
            return null;
        }

        while (_free.TryTake(out var buffer))
        {
            if (buffer.Length == wanted)
            {
                return buffer;
            }
        }

        return GC.AllocateUninitializedArray<byte>(wanted);
    }

    public void Return(byte[]? buffer)
    {
        if (buffer is not null)
        {
            _free.Add(buffer);
        }
    }
}
