using System.Buffers;
using System.Buffers.Binary;

namespace Telerad.Dicom;

/// <summary>
/// A buffered cursor over an <see cref="InputSource"/>: small reads come from a window, skips over
/// large values move the position without reading (when the source can seek).
/// </summary>
internal sealed class DicomInput : IDisposable
{
    private readonly InputSource _source;
    private byte[] _buffer;
    private int _pos;
    private int _end;
    private long _bufferStart; // absolute position of _buffer[0]
    private bool _sourceEnded;

    public DicomInput(InputSource source, long start = 0, int bufferSize = 16 * 1024)
    {
        _source = source;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        _bufferStart = start;
    }

    public InputSource Source => _source;

    public long Position => _bufferStart + _pos;

    /// <summary>Bytes left if the source length is known, else null.</summary>
    public long? Remaining => _source.Length is { } length ? length - Position : null;

    public int Buffered => _end - _pos;

    /// <summary>Makes at least <paramref name="count"/> bytes available in the window; false at end of input.</summary>
    public bool Ensure(int count)
    {
        if (_end - _pos >= count)
        {
            return true;
        }

        return Fill(count);
    }

    private bool Fill(int count)
    {
        if (count > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(count, _buffer.Length * 2));
            Buffer.BlockCopy(_buffer, _pos, bigger, 0, _end - _pos);
            _end -= _pos;
            _bufferStart += _pos;
            _pos = 0;
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        else if (_pos > 0)
        {
            Buffer.BlockCopy(_buffer, _pos, _buffer, 0, _end - _pos);
            _end -= _pos;
            _bufferStart += _pos;
            _pos = 0;
        }

        while (_end - _pos < count && !_sourceEnded)
        {
            var read = _source.Read(_bufferStart + _end, _buffer.AsSpan(_end));
            if (read <= 0)
            {
                _sourceEnded = true;
                break;
            }

            _end += read;
        }

        return _end - _pos >= count;
    }

    public bool AtEnd => !Ensure(1);

    /// <summary>The next <paramref name="count"/> bytes (already ensured by the caller).</summary>
    public ReadOnlySpan<byte> Peek(int count) => _buffer.AsSpan(_pos, count);

    public void Advance(int count) => _pos += count;

    public ushort ReadUInt16(bool bigEndian)
    {
        var v = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_pos)) : BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(_pos));
        _pos += 2;
        return v;
    }

    public uint ReadUInt32(bool bigEndian)
    {
        var v = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_pos)) : BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_pos));
        _pos += 4;
        return v;
    }

    /// <summary>Copies exactly destination.Length bytes; false if the input ends first.</summary>
    public bool ReadInto(Span<byte> destination)
    {
        var fromBuffer = Math.Min(destination.Length, _end - _pos);
        _buffer.AsSpan(_pos, fromBuffer).CopyTo(destination);
        _pos += fromBuffer;
        destination = destination[fromBuffer..];
        if (destination.Length == 0)
        {
            return true;
        }

        if (destination.Length >= _buffer.Length / 2)
        {
            // Big reads go straight from the source into the destination.
            var position = Position;
            while (destination.Length > 0)
            {
                var read = _source.Read(position, destination);
                if (read <= 0)
                {
                    _sourceEnded = true;
                    Reset(position);
                    return false;
                }

                destination = destination[read..];
                position += read;
            }

            Reset(position);
            return true;
        }

        if (!Ensure(destination.Length))
        {
            return false;
        }

        _buffer.AsSpan(_pos, destination.Length).CopyTo(destination);
        _pos += destination.Length;
        return true;
    }

    /// <summary>Moves forward without keeping the bytes: a seek when the source allows, else a read.</summary>
    public bool Skip(long count)
    {
        if (count <= _end - _pos)
        {
            _pos += (int)count;
            return true;
        }

        var target = Position + count;
        if (_source.CanSeek)
        {
            if (_source.Length is { } length && target > length)
            {
                return false;
            }

            Reset(target);
            return true;
        }

        count -= _end - _pos;
        _pos = _end;
        while (count > 0)
        {
            if (!Ensure(1))
            {
                return false;
            }

            var step = (int)Math.Min(count, _end - _pos);
            _pos += step;
            count -= step;
        }

        return true;
    }

    /// <summary>Streams <paramref name="count"/> bytes to <paramref name="sink"/> in chunks (forward-only spill, copying).</summary>
    public bool CopyTo(long count, Action<ReadOnlySpan<byte>> sink)
    {
        while (count > 0)
        {
            if (!Ensure(1))
            {
                return false;
            }

            var step = (int)Math.Min(count, _end - _pos);
            sink(_buffer.AsSpan(_pos, step));
            _pos += step;
            count -= step;
        }

        return true;
    }

    /// <summary>The unread bytes currently in the window (used when switching to a deflate stream).</summary>
    public ReadOnlyMemory<byte> TakeBuffered()
    {
        var rest = _buffer.AsMemory(_pos, _end - _pos);
        _pos = _end;
        return rest.ToArray();
    }

    /// <summary>Returns the window to the pool; nothing read from it is referenced afterwards (values are copied out).</summary>
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _pos = _end = 0;
        }
    }

    private void Reset(long position)
    {
        _bufferStart = position;
        _pos = 0;
        _end = 0;
        _sourceEnded = false;
    }
}
