namespace Telerad.Ingestion;

/// <summary>Limits and settings of ingestion (configuration section "Ingestion"), validated at start-up.</summary>
public sealed record IngestionOptions
{
    /// <summary>Largest object accepted (a single instance or an archive).</summary>
    public long MaxObjectBytes { get; init; } = 4L << 30;

    /// <summary>Zip archives: at most this many entries.</summary>
    public int MaxArchiveEntries { get; init; } = 20_000;

    /// <summary>Zip archives: at most this many bytes once uncompressed (all entries together).</summary>
    public long MaxArchiveUncompressedBytes { get; init; } = 20L << 30;

    /// <summary>Zip archives: an entry that expands more than this many times its compressed size is a bomb.</summary>
    public int MaxCompressionRatio { get; init; } = 200;

    /// <summary>Longest relative path accepted inside an upload or an archive.</summary>
    public int MaxPathLength { get; init; } = 512;

    /// <summary>
    /// Delete an `incoming` object once it is processed: refused (after its quarantine copy), a duplicate, an expanded
    /// archive, or an accepted instance once de-identified. Off by default: the originals stay until the lifecycle
    /// rule (<see cref="IncomingRetentionDays"/>) expires them, so a study can be processed again.
    /// </summary>
    public bool DeleteIncomingAfterProcessing { get; init; }

    /// <summary>Days the storage lifecycle rule keeps `incoming` objects (the infrastructure applies it).</summary>
    public int IncomingRetentionDays { get; init; } = 7;

    /// <summary>
    /// Instances of one de-identify batch (activity) worked on at the same time. Each waits mostly on storage round
    /// trips; a few at once overlap them. Memory grows with it: one instance's header and working buffers each.
    /// </summary>
    public int DeidentifyParallelism { get; init; } = 4;

    public void Validate()
    {
        if (IncomingRetentionDays < 1)
        {
            throw new ArgumentException("Ingestion:IncomingRetentionDays must be at least 1.");
        }

        if (DeidentifyParallelism is < 1 or > 64)
        {
            throw new ArgumentException("Ingestion:DeidentifyParallelism must be between 1 and 64.");
        }

        if (MaxObjectBytes <= 0 || MaxArchiveEntries <= 0 || MaxArchiveUncompressedBytes <= 0 || MaxCompressionRatio < 2 || MaxPathLength < 16)
        {
            throw new ArgumentException("Ingestion limits must be positive (compression ratio >= 2, path length >= 16).");
        }
    }
}
