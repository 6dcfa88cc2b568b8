namespace Telerad.Dicom;

/// <summary>A forward-only stream: bytes already buffered, then the rest of an input source.</summary>
internal sealed class ConcatenatedStream(ReadOnlyMemory<byte> prefix, InputSource rest, long restPosition) : Stream
{
    private ReadOnlyMemory<byte> _prefix = prefix;
    private long _restPosition = restPosition;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (!_prefix.IsEmpty)
        {
            var count = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..count].CopyTo(buffer);
            _prefix = _prefix[count..];
            return count;
        }

        var read = rest.Read(_restPosition, buffer);
        _restPosition += Math.Max(read, 0);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
