using System.Buffers;
using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Telerad.Azure;

/// <summary>
/// A seekable read of one blob version in ranged GETs of up to <c>bufferSize</c> bytes, into one pooled buffer.
/// Opening fetches the first range, which also gives the length and the ETag: no HEAD before it. A blob that fits in
/// one range (a DICOM slice, a summary) is then read from memory however the reader seeks; the SDK's own stream asks
/// for properties first and fetches again after every seek, even one inside what it holds (the de-identify activity
/// read each slice twice through it). Every later range is conditional on the first one's ETag, so a blob replaced
/// or deleted during the read fails it (412 or 404) instead of mixing two versions.
/// </summary>
internal sealed class BlobRangeReadStream : Stream
{
    private readonly BlobClient _blob;
    private readonly ETag _etag;
    private byte[]? _buffer;
    private long _bufferStart;
    private int _bufferLength;
    private long _position;

    private BlobRangeReadStream(BlobClient blob, ETag etag, long length, DateTimeOffset lastModified, IDictionary<string, string> metadata, byte[] buffer)
    {
        _blob = blob;
        _etag = etag;
        Length = length;
        LastModified = lastModified;
        Metadata = metadata;
        _buffer = buffer;
    }

    /// <summary>The ETag of the version this stream reads (every later range is conditional on it).</summary>
    public string ETag => _etag.ToString();

    /// <summary>When the version this stream reads was written.</summary>
    public DateTimeOffset LastModified { get; }

    /// <summary>The metadata of the version this stream reads.</summary>
    public IDictionary<string, string> Metadata { get; }

    public static async Task<BlobRangeReadStream> OpenAsync(BlobClient blob, int bufferSize, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        try
        {
            BlobDownloadStreamingResult first;
            try
            {
                first = (await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(0, bufferSize) }, cancellationToken)).Value;
            }
            catch (RequestFailedException e) when (e.Status == 416)
            {
                // An empty blob has no byte 0 to start a range at.
                var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
                return new BlobRangeReadStream(blob, properties.ETag, properties.ContentLength, properties.LastModified, properties.Metadata, buffer);
            }

            using (first)
            {
                var length = TotalLength(first.Details.ContentRange) ?? first.Details.ContentLength;
                var stream = new BlobRangeReadStream(blob, first.Details.ETag, length, first.Details.LastModified, first.Details.Metadata, buffer);
                stream._bufferLength = await first.Content.ReadAtLeastAsync(buffer.AsMemory(0, (int)Math.Min(bufferSize, length)), (int)Math.Min(bufferSize, length), throwOnEndOfStream: true, cancellationToken);
                return stream;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length { get; }

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "A position cannot be negative.");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _position >= Length)
        {
            return 0;
        }

        if (!Holds(_position))
        {
            using var range = _blob.DownloadStreaming(RangeAt(_position)).Value;
            _bufferLength = range.Content.ReadAtLeast(Buffer.AsSpan(0, RangeLength(_position)), RangeLength(_position), throwOnEndOfStream: true);
            _bufferStart = _position;
        }

        return CopyOut(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || _position >= Length)
        {
            return 0;
        }

        if (!Holds(_position))
        {
            using var range = (await _blob.DownloadStreamingAsync(RangeAt(_position), cancellationToken)).Value;
            _bufferLength = await range.Content.ReadAtLeastAsync(Buffer.AsMemory(0, RangeLength(_position)), RangeLength(_position), throwOnEndOfStream: true, cancellationToken);
            _bufferStart = _position;
        }

        return CopyOut(buffer.Span);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }

        base.Dispose(disposing);
    }

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(BlobRangeReadStream));

    private bool Holds(long position) => position >= _bufferStart && position < _bufferStart + _bufferLength;

    private int RangeLength(long position) => (int)Math.Min(Buffer.Length, Length - position);

    private BlobDownloadOptions RangeAt(long position) => new()
    {
        Range = new HttpRange(position, RangeLength(position)),
        Conditions = new BlobRequestConditions { IfMatch = _etag },
    };

    private int CopyOut(Span<byte> destination)
    {
        var at = (int)(_position - _bufferStart);
        var count = Math.Min(destination.Length, _bufferLength - at);
        Buffer.AsSpan(at, count).CopyTo(destination);
        _position += count;
        return count;
    }

    /// <summary>The total after the slash of a Content-Range such as "bytes 0-4194303/525422"; null when absent.</summary>
    private static long? TotalLength(string? contentRange)
    {
        var slash = contentRange?.LastIndexOf('/') ?? -1;
        return slash >= 0 && long.TryParse(contentRange.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total) ? total : null;
    }
}
