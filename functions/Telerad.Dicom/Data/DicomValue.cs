namespace Telerad.Dicom;

/// <summary>
/// The bytes of one value, always in little-endian order (big-endian input is swapped on read and
/// swapped back by the writer). Small values are buffered; large ones may be a lazy range of the
/// source file that is read only when asked for, so a 2 GB pixel value never has to fit in memory.
/// </summary>
public abstract class DicomValue
{
    public static DicomValue Empty { get; } = new DicomBufferValue(ReadOnlyMemory<byte>.Empty);

    public abstract long Length { get; }

    /// <summary>True when the bytes are in memory and <see cref="Memory"/> is free.</summary>
    public abstract bool IsBuffered { get; }

    /// <summary>The bytes in memory. For a lazy value this reads them all (guarded by <paramref name="maxBytes"/>).</summary>
    public abstract ReadOnlyMemory<byte> GetMemory(long maxBytes = int.MaxValue);

    /// <summary>Streams the bytes without buffering them whole.</summary>
    public abstract Stream OpenRead();

    /// <summary>Copies the bytes to <paramref name="destination"/> in bounded memory.</summary>
    public virtual void CopyTo(Stream destination)
    {
        using var source = OpenRead();
        source.CopyTo(destination, 81920);
    }

    public static DicomValue FromBytes(ReadOnlyMemory<byte> bytes) => bytes.IsEmpty ? Empty : new DicomBufferValue(bytes);
}

/// <summary>A value held in memory.</summary>
public sealed class DicomBufferValue(ReadOnlyMemory<byte> bytes) : DicomValue
{
    public ReadOnlyMemory<byte> Memory { get; } = bytes;

    public override long Length => Memory.Length;

    public override bool IsBuffered => true;

    public override ReadOnlyMemory<byte> GetMemory(long maxBytes = int.MaxValue) => Memory;

    public override Stream OpenRead() => new ReadOnlyMemoryStream(Memory);

    public override void CopyTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(Memory.Span);
    }
}

/// <summary>
/// A range of a random-access source that is read on demand. <see cref="SwapUnit"/> &gt; 1 means the
/// source is big endian and each unit is swapped as it is read, so the value still looks little endian.
/// </summary>
public sealed class DicomLazyValue : DicomValue
{
    private readonly IDicomRandomAccessSource _source;

    public DicomLazyValue(IDicomRandomAccessSource source, long offset, long length, int swapUnit = 1)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        Offset = offset;
        Length = length;
        SwapUnit = swapUnit;
    }

    /// <summary>Where the bytes are (a file, a stream, a spill file).</summary>
    internal IDicomRandomAccessSource Source => _source;

    /// <summary>Byte offset of the value in its source (for diagnostics and offset tables).</summary>
    public long Offset { get; }

    public override long Length { get; }

    public int SwapUnit { get; }

    public override bool IsBuffered => false;

    public override ReadOnlyMemory<byte> GetMemory(long maxBytes = int.MaxValue)
    {
        if (Length > maxBytes || Length > Array.MaxLength)
        {
            throw new InvalidOperationException($"The value is {Length} bytes, more than the {maxBytes} allowed in memory; stream it with OpenRead().");
        }

        var bytes = new byte[Length];
        ReadAt(0, bytes);
        return bytes;
    }

    /// <summary>Reads <paramref name="destination"/>.Length bytes starting <paramref name="position"/> bytes into the value.</summary>
    public void ReadAt(long position, Span<byte> destination)
    {
        if (position < 0 || position + destination.Length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(position));
        }

        _source.ReadExactly(Offset + position, destination);
        if (SwapUnit > 1)
        {
            if (position % SwapUnit != 0 || destination.Length % SwapUnit != 0)
            {
                throw new ArgumentException("Reads of a byte-swapped value must be aligned to its unit size.", nameof(position));
            }

            ByteSwap.InPlace(destination, SwapUnit);
        }
    }

    public override Stream OpenRead() => new LazyValueStream(this);

    private sealed class LazyValueStream(DicomLazyValue owner) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => owner.Length;

        public override long Position
        {
            get => _position;
            set => _position = Math.Clamp(value, 0, owner.Length);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var remaining = owner.Length - _position;
            var count = (int)Math.Min(buffer.Length, remaining);
            if (owner.SwapUnit > 1)
            {
                count -= count % owner.SwapUnit; // keep reads unit-aligned; callers loop
                if (count == 0 && remaining > 0)
                {
                    throw new ArgumentException("Buffer smaller than the swap unit.", nameof(buffer));
                }
            }

            if (count <= 0)
            {
                return 0;
            }

            owner.ReadAt(_position, buffer[..count]);
            _position += count;
            return count;
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            Position = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                _ => owner.Length + offset,
            };
            return _position;
        }

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
