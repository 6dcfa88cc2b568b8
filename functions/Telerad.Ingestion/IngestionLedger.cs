namespace Telerad.Ingestion;

/// <summary>
/// What happened to one delivered object version: makes a redelivered event a no-op. For accepted and versioned
/// instances <see cref="Detail"/> is the SOP key, and <see cref="StudyKey"/> and <see cref="Version"/> say which
/// study to signal again (a host may have stopped between recording and signalling).
/// </summary>
public sealed record LedgerEntry(string ObjectId, string ETag, string Outcome, string? Detail, DateTimeOffset At, string? StudyKey = null, int Version = 0)
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string Versioned = "versioned";
    public const string Quarantined = "quarantined";
    public const string Expanded = "expanded";
    public const string Manifest = "manifest";
}

/// <summary>The `ingestion` table: outcome per (tenant, object, version).</summary>
public interface IIngestionLedger
{
    Task<LedgerEntry?> FindAsync(string tenant, string objectId, string etag, CancellationToken cancellationToken = default);

    Task RecordAsync(string tenant, LedgerEntry entry, CancellationToken cancellationToken = default);
}

/// <summary>
/// One SOP instance as stored: the content hash decides whether a re-sent instance is the same or a new version.
/// Once de-identified, <see cref="Result"/> holds the outcome for <see cref="ResultVersion"/>; a new version clears it.
/// </summary>
public sealed record InstanceRecord(string Tenant, string StudyKey, string SopKey, string ContentSha256, int Version, string ObjectId, string ObjectName)
{
    public DeidentifiedInstance? Result { get; init; }

    public int ResultVersion { get; init; }

    /// <summary>De-identified after its study was first reported: the reading workflow must look at it.</summary>
    public bool Late { get; init; }

    /// <summary>True when the current version has been de-identified (or quarantined by de-identification).</summary>
    public bool IsDone => Result is not null && ResultVersion == Version;

    /// <summary>The row's version as the registry read it (opaque; null when not read from a store that has one): a
    /// save conditional on it needs no second read.</summary>
    public string? RowVersion { get; init; }
}

/// <summary>
/// The `instances` table, keyed by pseudonymous (keyed-hash) study and SOP keys so that it holds no PHI.
/// </summary>
public interface IInstanceRegistry
{
    Task<InstanceRecord?> FindInstanceAsync(string tenant, string studyKey, string sopKey, CancellationToken cancellationToken = default);

    /// <summary>Saves a new version (replacing the row, so the previous version's result is gone).</summary>
    Task SaveInstanceAsync(InstanceRecord record, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the de-identification of <paramref name="version"/>; false (and nothing written) when the row now holds
    /// another version, whose own event will have it de-identified.
    /// </summary>
    Task<bool> SaveResultAsync(string tenant, string studyKey, string sopKey, int version, DeidentifiedInstance result, bool late, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="SaveResultAsync(string, string, string, int, DeidentifiedInstance, bool, CancellationToken)"/> for the
    /// version of a record just read: a store that can saves conditionally on the row being unchanged since that read
    /// (one request instead of a read and a write) and reads again only when it changed.
    /// </summary>
    Task<bool> SaveResultAsync(InstanceRecord read, DeidentifiedInstance result, bool late, CancellationToken cancellationToken = default) =>
        SaveResultAsync(read.Tenant, read.StudyKey, read.SopKey, read.Version, result, late, cancellationToken);

    /// <summary>
    /// <see cref="SaveResultAsync(InstanceRecord, DeidentifiedInstance, bool, CancellationToken)"/> for several records
    /// just read, of one study; returns, in order, whether each was saved. A store that can saves them together (one
    /// request for the results, one for their markers) and falls back to one at a time when any of them changed.
    /// </summary>
    async Task<bool[]> SaveResultsAsync(IReadOnlyList<(InstanceRecord Read, DeidentifiedInstance Result)> results, bool late, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        var saved = new bool[results.Count];
        for (var i = 0; i < results.Count; i++)
        {
            saved[i] = await SaveResultAsync(results[i].Read, results[i].Result, late, cancellationToken);
        }

        return saved;
    }

    /// <summary>Every instance of a study: what its summary is built from.</summary>
    Task<IReadOnlyList<InstanceRecord>> ListInstancesAsync(string tenant, string studyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Instances of any study whose current version was registered before <paramref name="registeredBefore"/> and is
    /// still not de-identified: what the stalled-instance sweep repairs (a signal lost as its study completed).
    /// </summary>
    IAsyncEnumerable<StalledInstance> ListStalledAsync(DateTimeOffset registeredBefore, CancellationToken cancellationToken = default);

    /// <summary>Records that the sweep signalled this stalled instance's study (how often, when last), so it backs off.</summary>
    Task MarkSweptAsync(StalledInstance instance, DateTimeOffset at, CancellationToken cancellationToken = default);
}

/// <summary>
/// An instance version registered but not de-identified (pseudonymous keys only), and how often the sweep has already
/// signalled its study for it (and when last).
/// </summary>
public sealed record StalledInstance(string Tenant, string StudyKey, string SopKey, int Version, DateTimeOffset RegisteredAt, int Sweeps = 0, DateTimeOffset? LastSweptAt = null);
