using Azure;
using Telerad.Storage;

namespace Telerad.Azure;

/// <summary>
/// The SDK's ranged read stream with its errors turned into the store's (a read fetches a range lazily, so it can
/// fail long after opening): 404 → <see cref="ObjectNotFoundException"/> (deleted meanwhile), anything else →
/// <see cref="ObjectStoreException"/> (412 means the object was replaced meanwhile), messages without the object name.
/// </summary>
internal sealed class StoreReadStream(Stream inner, ObjectRef reference) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return inner.Read(buffer, offset, count);
        }
        catch (RequestFailedException e)
        {
            throw Map(e);
        }
    }

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken);
        }
        catch (RequestFailedException e)
        {
            throw Map(e);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (RequestFailedException e)
        {
            throw Map(e);
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    private Exception Map(RequestFailedException e) => e.Status switch
    {
        404 => new ObjectNotFoundException($"The object in {ObjectNames.Describe(reference)} was deleted while being read."),
        412 => new ObjectStoreException($"The object in {ObjectNames.Describe(reference)} was replaced while being read: {e.Status} {e.ErrorCode}.", e.Status, e.ErrorCode),
        _ => new ObjectStoreException($"Blob storage failed reading {ObjectNames.Describe(reference)}: {e.Status} {e.ErrorCode ?? "(no error code)"}.", e.Status, e.ErrorCode),
    };
}
