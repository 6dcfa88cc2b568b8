using System.IO.Compression;

namespace Telerad.Ingestion;

/// <summary>
/// Zip archives of studies: every entry is checked from the central directory before anything is written
/// (entry count, total uncompressed size, per-entry compression ratio, path traversal, nested archives), then
/// extracted entry by entry as a stream into `incoming/{tenant}/{upload}/.extracted/{archive}/...`, where each
/// is ingested like an uploaded file. Sizes are enforced again while streaming, since headers can lie.
/// </summary>
public static class ArchiveExpander
{
    private static readonly byte[] LocalHeader = [0x50, 0x4B, 0x03, 0x04];

    public static bool LooksLikeZip(ReadOnlySpan<byte> head) => head.Length >= 4 && head[..4].SequenceEqual(LocalHeader);

    /// <summary>Extracts the archive; returns the extracted objects, or a rejection (nothing left extracted).</summary>
    public static async Task<(IReadOnlyList<ObjectRef> Extracted, Rejection? Rejection)> ExpandAsync(
        IObjectStore store, IncomingObjectName archive, Stream content, IngestionOptions options, CancellationToken cancellationToken)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            return ([], new Rejection(RejectionCodes.ArchiveRefused, "The archive is not a readable zip file."));
        }

        using (zip)
        {
            var entries = zip.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
            if (Check(entries, options) is { } rejection)
            {
                return ([], rejection);
            }

            var prefix = $"{archive.Tenant}/{archive.UploadId}/{IncomingObjectName.ExtractedFolder}/{archive.ObjectId}/";
            var written = new List<ObjectRef>();
            try
            {
                long total = 0;
                foreach (var entry in entries)
                {
                    var target = new ObjectRef(Containers.Incoming, prefix + entry.FullName);
                    await using var source = entry.Open();
                    await using var limited = new LimitedReadStream(source, entry.Length, options.MaxArchiveUncompressedBytes - total);
                    await store.WriteAsync(target, limited, new ObjectWriteOptions { Metadata = new Dictionary<string, string> { ["archive"] = archive.ObjectId } }, cancellationToken);
                    total += limited.BytesRead;
                    written.Add(target);
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or LimitExceededException)
            {
                foreach (var extracted in written)
                {
                    await store.DeleteAsync(extracted, cancellationToken); // derived copies of a refused archive
                }

                return ([], new Rejection(RejectionCodes.ArchiveRefused, ex is LimitExceededException ? ex.Message : "An archive entry is corrupt."));
            }

            return (written, null);
        }
    }

    private static Rejection? Check(List<ZipArchiveEntry> entries, IngestionOptions options)
    {
        if (entries.Count > options.MaxArchiveEntries)
        {
            return new Rejection(RejectionCodes.ArchiveRefused, $"The archive has {entries.Count} entries; at most {options.MaxArchiveEntries} are accepted.");
        }

        long declared = 0;
        foreach (var entry in entries)
        {
            if (!IncomingObjectName.IsSafeRelativePath(entry.FullName) || entry.FullName.Length > options.MaxPathLength)
            {
                return new Rejection(RejectionCodes.ArchiveRefused, "An archive entry has an unsafe path (absolute, '..', backslashes or too long).");
            }

            if (entry.FullName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            {
                return new Rejection(RejectionCodes.ArchiveRefused, "Archives inside archives are not accepted.");
            }

            if (entry.CompressedLength > 0 && entry.Length / entry.CompressedLength > options.MaxCompressionRatio)
            {
                return new Rejection(RejectionCodes.ArchiveRefused, $"An archive entry expands more than {options.MaxCompressionRatio} times (a zip bomb?).");
            }

            declared += entry.Length;
            if (declared > options.MaxArchiveUncompressedBytes)
            {
                return new Rejection(RejectionCodes.ArchiveRefused, $"The archive expands to more than {options.MaxArchiveUncompressedBytes} bytes.");
            }
        }

        return null;
    }

    /// <summary>Reads at most the declared length and the remaining budget; more means the header lied.</summary>
    private sealed class LimitedReadStream(Stream inner, long declared, long budget) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => BytesRead;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            Count(read);
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            Count(read);
            return read;
        }

        private void Count(int read)
        {
            BytesRead += read;
            if (BytesRead > declared || BytesRead > budget)
            {
                throw new LimitExceededException("An archive entry is larger than its header declares or than the archive budget allows.");
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class LimitExceededException(string message) : Exception(message);
}
