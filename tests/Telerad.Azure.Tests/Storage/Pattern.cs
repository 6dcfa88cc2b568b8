using System.Security.Cryptography;

namespace Telerad.Azure.Tests;

/// <summary>Deterministic test content of any length, computable at any offset, produced without holding it in memory.</summary>
internal static class Pattern
{
    public static byte ByteAt(long offset) => (byte)(((ulong)offset * 0x9E3779B97F4A7C15UL) >> 56);

    public static byte[] Bytes(long offset, int count)
    {
        var bytes = new byte[count];
        for (var i = 0; i < count; i++)
        {
            bytes[i] = ByteAt(offset + i);
        }

        return bytes;
    }

    /// <summary>SHA-256 of the first <paramref name="length"/> bytes.</summary>
    public static byte[] Sha256(long length)
    {
        using var stream = new PatternStream(length);
        return SHA256.HashData(stream);
    }
}

/// <summary>A forward-only stream of <see cref="Pattern"/> bytes (CanSeek false: the store must not need to rewind).</summary>
internal sealed class PatternStream(long length) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - _position);
        for (var i = 0; i < count; i++)
        {
            buffer[i] = Pattern.ByteAt(_position + i);
        }

        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
