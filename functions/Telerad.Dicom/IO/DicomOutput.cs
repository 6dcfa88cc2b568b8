using System.Buffers.Binary;

namespace Telerad.Dicom;

/// <summary>A buffered writer of DICOM binary primitives in either byte order.</summary>
internal sealed class DicomOutput(Stream stream) : IDisposable
{
    private readonly byte[] _buffer = new byte[64 * 1024];
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
        var chunk = new byte[Math.Min(value.Length, 1 << 20)];
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

    public void Flush()
    {
        if (_count > 0)
        {
            stream.Write(_buffer, 0, _count);
            _count = 0;
        }
    }

    public void Dispose() => Flush();

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
