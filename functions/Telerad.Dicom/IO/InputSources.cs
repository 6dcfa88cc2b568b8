using Microsoft.Win32.SafeHandles;

namespace Telerad.Dicom;

/// <summary>Where the reader's bytes come from. Sequential reads, optional seeking and random access.</summary>
internal abstract class InputSource : IDisposable
{
    /// <summary>Total length if known (bounds every length field).</summary>
    public abstract long? Length { get; }

    /// <summary>Non-null when lazy values can refer back to the source.</summary>
    public abstract IDicomRandomAccessSource? RandomAccess { get; }

    /// <summary>Reads up to destination.Length bytes at absolute position <paramref name="position"/>; 0 at end.</summary>
    public abstract int Read(long position, Span<byte> destination);

    /// <summary>Whether <see cref="Read"/> accepts any position (otherwise only the next sequential one).</summary>
    public abstract bool CanSeek { get; }

    public abstract void Dispose();
}

/// <summary>A file read through a handle with positional reads: thread-safe, no shared file position.</summary>
internal sealed class FileInputSource : InputSource, IDicomRandomAccessSource
{
    private readonly SafeFileHandle _handle;

    public FileInputSource(string path)
    {
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        FileLength = System.IO.RandomAccess.GetLength(_handle);
    }

    public long FileLength { get; }

    /// <summary>The open handle, for in-kernel copies of value ranges (<see cref="FileRangeCopy"/>).</summary>
    internal SafeFileHandle Handle => _handle;

    long IDicomRandomAccessSource.Length => FileLength;

    public override long? Length => FileLength;

    public override IDicomRandomAccessSource? RandomAccess => this;

    public override bool CanSeek => true;

    public override int Read(long position, Span<byte> destination) => System.IO.RandomAccess.Read(_handle, destination, position);

    public void ReadExactly(long offset, Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            var read = System.IO.RandomAccess.Read(_handle, destination, offset);
            if (read <= 0)
            {
                throw new DicomFormatException("The file ended inside a value (was it changed or truncated after it was opened?)", offset, string.Empty);
            }

            destination = destination[read..];
            offset += read;
        }
    }

    public override void Dispose() => _handle.Dispose();
}

/// <summary>
/// A stream. Seekable streams (files, blob streams) give random access for lazy values; forward-only
/// ones (zip entries, deflate, network) are read once and large values are spilled to a temp file.
/// Positions are relative to where the stream was when reading began.
/// </summary>
internal sealed class StreamInputSource : InputSource, IDicomRandomAccessSource
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly long _origin;
    private readonly Lock _gate = new();
    private long _position;

    public StreamInputSource(Stream stream, bool leaveOpen)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _origin = stream.CanSeek ? stream.Position : 0;
    }

    public override long? Length => _stream.CanSeek ? _stream.Length - _origin : null;

    long IDicomRandomAccessSource.Length => Length ?? throw new NotSupportedException();

    public override IDicomRandomAccessSource? RandomAccess => _stream.CanSeek ? this : null;

    public override bool CanSeek => _stream.CanSeek;

    public override int Read(long position, Span<byte> destination)
    {
        lock (_gate)
        {
            if (position != _position)
            {
                if (!_stream.CanSeek)
                {
                    if (position < _position)
                    {
                        throw new InvalidOperationException("Cannot move backwards in a forward-only stream.");
                    }

                    Discard(position - _position);
                }
                else
                {
                    _stream.Position = _origin + position;
                }

                _position = position;
            }

            var read = _stream.Read(destination);
            _position += read;
            return read;
        }
    }

    public void ReadExactly(long offset, Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            var read = Read(offset, destination);
            if (read <= 0)
            {
                throw new DicomFormatException("The stream ended inside a value", offset, string.Empty);
            }

            destination = destination[read..];
            offset += read;
        }
    }

    private void Discard(long count)
    {
        Span<byte> scratch = stackalloc byte[4096];
        while (count > 0)
        {
            var read = _stream.Read(scratch[..(int)Math.Min(count, scratch.Length)]);
            if (read <= 0)
            {
                return;
            }

            count -= read;
        }
    }

    public override void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}

/// <summary>
/// A temp file that holds large values from forward-only input, so memory stays bounded.
/// Deleted when the owning DicomFile is disposed.
/// </summary>
internal sealed class SpillFile : IDicomRandomAccessSource, IDisposable
{
    private readonly FileStream _file;
    private readonly Lock _gate = new();

    public SpillFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "telerad-spill-" + Guid.NewGuid().ToString("N") + ".tmp");
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
    }

    public long Length
    {
        get
        {
            lock (_gate)
            {
                return _file.Length;
            }
        }
    }

    /// <summary>Appends and returns the offset where the bytes start.</summary>
    public long Append(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            var offset = _file.Seek(0, SeekOrigin.End);
            _file.Write(bytes);
            return offset;
        }
    }

    public void ReadExactly(long offset, Span<byte> destination)
    {
        lock (_gate)
        {
            _file.Flush();
            _file.Position = offset;
            _file.ReadExactly(destination);
        }
    }

    public void Dispose() => _file.Dispose();
}
