using System.Buffers;
using System.Buffers.Binary;

namespace Telerad.Dicom;

/// <summary>
/// A buffered writer of DICOM binary primitives in either byte order. Its buffer is rented from the shared
/// array pool and returned on <see cref="Dispose"/>, so writing many files does not allocate a fresh buffer
/// (and touch fresh memory) for each one.
/// </summary>
internal sealed class DicomOutput(Stream stream) : IDisposable
{
    private const int BufferSize = 64 * 1024;

    /// <summary>Values that cannot be copied in the kernel are copied through user memory in chunks of this size.</summary>
    private const int CopyChunkSize = 1 << 20;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _count;

    public long BytesWritten { get; private set; }

    public void WriteUInt16(ushort value, bool bigEndian)
    {
        Reserve(2);
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_count), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_count), value);
        }

        Advance(2);
    }

    public void WriteUInt32(uint value, bool bigEndian)
    {
        Reserve(4);
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_count), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_count), value);
        }

        Advance(4);
    }

    public void WriteByte(byte value)
    {
        Reserve(1);
        _buffer[_count] = value;
        Advance(1);
    }

    /// <summary>Writes <paramref name="count"/> zero bytes (a preamble, padding).</summary>
    public void WriteZeros(int count)
    {
        while (count > 0)
        {
            if (_count == _buffer.Length)
            {
                Flush();
            }

            var take = Math.Min(count, _buffer.Length - _count);
            _buffer.AsSpan(_count, take).Clear();
            Advance(take);
            count -= take;
        }
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _count)
        {
            Flush();
            if (bytes.Length >= _buffer.Length)
            {
                stream.Write(bytes);
                BytesWritten += bytes.Length;
                return;
            }
        }

        bytes.CopyTo(_buffer.AsSpan(_count));
        Advance(bytes.Length);
    }

    /// <summary>Writes little-endian bytes, swapping each <paramref name="swapUnit"/>-byte unit for big endian output.</summary>
    public void WriteSwapped(ReadOnlySpan<byte> bytes, int swapUnit)
    {
        if (swapUnit <= 1)
        {
            WriteBytes(bytes);
            return;
        }

        while (bytes.Length > 0)
        {
            var room = _buffer.Length - _count;
            room -= room % swapUnit;
            if (room == 0)
            {
                Flush();
                continue;
            }

            var take = Math.Min(room, bytes.Length);
            var target = _buffer.AsSpan(_count, take);
            bytes[..take].CopyTo(target);
            ByteSwap.InPlace(target, swapUnit);
            Advance(take);
            bytes = bytes[take..];
        }
    }

    /// <summary>Copies a value in bounded memory (chunk by chunk), swapping for big endian output.</summary>
    public void WriteValue(DicomValue value, int swapUnit)
    {
        if (value is DicomBufferValue buffered)
        {
            WriteSwapped(buffered.Memory.Span, swapUnit);
            return;
        }

        Flush();
        if (swapUnit <= 1 && value is DicomLazyValue { SwapUnit: 1, Source: FileInputSource file } lazy && stream is FileStream output
            && FileRangeCopy.TryCopy(file.Handle, lazy.Offset, output, lazy.Length))
        {
            BytesWritten += lazy.Length;
            return;
        }

        using var source = value.OpenRead();
        var chunk = ArrayPool<byte>.Shared.Rent((int)Math.Min(value.Length, CopyChunkSize));
        try
        {
            long left = value.Length;
            while (left > 0)
            {
                var want = (int)Math.Min(chunk.Length, left);
                source.ReadExactly(chunk, 0, want);
                if (swapUnit > 1)
                {
                    ByteSwap.InPlace(chunk.AsSpan(0, want), swapUnit);
                }

                stream.Write(chunk, 0, want);
                BytesWritten += want;
                left -= want;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    public void Flush()
    {
        if (_count > 0)
        {
            stream.Write(_buffer, 0, _count);
            _count = 0;
        }
    }

    /// <summary>Writes what is buffered and returns the buffer to the pool; the output is not used afterwards.</summary>
    public void Dispose()
    {
        if (_buffer.Length == 0)
        {
            return;
        }

        try
        {
            Flush();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _count = 0;
        }
    }

    private void Reserve(int count)
    {
        if (_buffer.Length - _count < count)
        {
            Flush();
        }
    }

    private void Advance(int count)
    {
        _count += count;
        BytesWritten += count;
    }
}
