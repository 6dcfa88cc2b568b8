namespace Telerad.Reading.Worklist;

/// <summary>Where a study stands in reading, as the worklist shows it.</summary>
public static class WorklistStatus
{
    /// <summary>Nobody has it yet (just started, between readers, or nobody eligible).</summary>
    public const string Unassigned = "unassigned";

    /// <summary>Offered to <see cref="ReadingWorklistEntry.RadiologistId"/>, not yet accepted.</summary>
    public const string Offered = "offered";

    public const string Accepted = "accepted";

    /// <summary>A preliminary report is in (STAT); the final is awaited.</summary>
    public const string Preliminary = "preliminary";

    public const string Reported = "reported";
    public const string Cancelled = "cancelled";

    /// <summary>Statuses of a study still being read: it counts towards its reader's load and shows on worklists.</summary>
    public static bool IsOpen(string status) => status is Unassigned or Offered or Accepted or Preliminary;

    /// <summary>Statuses that hold a reader's capacity.</summary>
    public static bool HoldsReader(string status) => status is Offered or Accepted or Preliminary;
}

/// <summary>
/// One study in the worklist projection (Table storage in Azure and locally): what worklists, loads and status answers
/// read, so nobody queries orchestrations for them. Ids and codes only. The study's facts are written when reading
/// starts; the reading's progress by the ReadStudy orchestration's projection activity.
/// </summary>
public sealed record ReadingWorklistEntry
{
    public required string Tenant { get; init; }

    public required string StudyKey { get; init; }

    public required string Status { get; init; }

    public string? RadiologistId { get; init; }

    public required string Priority { get; init; }

    public required string PriorityReason { get; init; }

    public DateTimeOffset? DeadlineUtc { get; init; }

    /// <summary>AI triage flagged a critical finding: first within its priority tier.</summary>
    public bool AiFlagged { get; init; }

    public int Assignment { get; init; }

    public bool Warned { get; init; }

    public bool Breached { get; init; }

    public string? Modality { get; init; }

    public string? BodyPart { get; init; }

    public string? FacilityId { get; init; }

    public string? PatientJurisdiction { get; init; }

    public string? ReferrerId { get; init; }

    /// <summary>The study's RVU estimate (the assignment rules' table), for readers' loads.</summary>
    public decimal Rvu { get; init; }

    public required DateTimeOffset StartedUtc { get; init; }

    public required DateTimeOffset UpdatedUtc { get; init; }
}

/// <summary>The reading's progress as the orchestration reports it (ids, codes, times).</summary>
public sealed record ReadingProgress(
    string Tenant, string StudyKey, string Status, string? RadiologistId, string Priority, string PriorityReason, DateTime DeadlineUtc, int Assignment, bool Warned, bool Breached);

/// <summary>The worklist projection's store.</summary>
public interface IReadingWorklist
{
    /// <summary>Writes the study's row when reading starts (replacing any earlier row of the study).</summary>
    Task RegisterAsync(ReadingWorklistEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Applies the orchestration's progress to the study's row (the study's facts stay as registered).</summary>
    Task UpdateAsync(ReadingProgress progress, DateTimeOffset updatedUtc, CancellationToken cancellationToken = default);

    Task<ReadingWorklistEntry?> GetAsync(string tenant, string studyKey, CancellationToken cancellationToken = default);

    /// <summary>Studies still being read (<see cref="WorklistStatus.IsOpen"/>), all or one radiologist's, in no particular order.</summary>
    Task<IReadOnlyList<ReadingWorklistEntry>> ListOpenAsync(string? radiologistId = null, CancellationToken cancellationToken = default);
}

/// <summary>The worklist's order: priority tier (STAT, URGENT, ROUTINE), AI-flagged first within a tier, then the earliest deadline, then the study key.</summary>
public static class WorklistOrder
{
    public static IReadOnlyList<ReadingWorklistEntry> Sort(IEnumerable<ReadingWorklistEntry> entries) =>
        [.. entries
            .OrderBy(e => Rank(e.Priority))
            .ThenByDescending(e => e.AiFlagged)
            .ThenBy(e => e.DeadlineUtc ?? DateTimeOffset.MaxValue)
            .ThenBy(e => e.StudyKey, StringComparer.Ordinal)];

    private static int Rank(string priority) => ReadingPriorities.TryParse(priority, out var parsed) ? (int)parsed : (int)ReadingPriority.Routine;
}

/// <summary>The projection in memory (tests, benchmarks).</summary>
public sealed class InMemoryReadingWorklist : IReadingWorklist
{
    private readonly Dictionary<(string, string), ReadingWorklistEntry> _rows = [];
    private readonly Lock _gate = new();

    public Task RegisterAsync(ReadingWorklistEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            _rows[(entry.Tenant, entry.StudyKey)] = entry;
        }

        return Task.CompletedTask;
    }

    public Task UpdateAsync(ReadingProgress progress, DateTimeOffset updatedUtc, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(progress);
        lock (_gate)
        {
            var row = _rows.GetValueOrDefault((progress.Tenant, progress.StudyKey))
                ?? new ReadingWorklistEntry { Tenant = progress.Tenant, StudyKey = progress.StudyKey, Status = progress.Status, Priority = progress.Priority, PriorityReason = progress.PriorityReason, StartedUtc = updatedUtc, UpdatedUtc = updatedUtc };
            _rows[(progress.Tenant, progress.StudyKey)] = ReadingWorklistProjection.Apply(row, progress, updatedUtc);
        }

        return Task.CompletedTask;
    }

    public Task<ReadingWorklistEntry?> GetAsync(string tenant, string studyKey, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_rows.GetValueOrDefault((tenant, studyKey)));
        }
    }

    public Task<IReadOnlyList<ReadingWorklistEntry>> ListOpenAsync(string? radiologistId = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<ReadingWorklistEntry> open = [.. _rows.Values.Where(e => WorklistStatus.IsOpen(e.Status) && (radiologistId is null || e.RadiologistId == radiologistId))];
            return Task.FromResult(open);
        }
    }
}

/// <summary>How progress changes a row (shared by every store so they agree).</summary>
public static class ReadingWorklistProjection
{
    public static ReadingWorklistEntry Apply(ReadingWorklistEntry row, ReadingProgress progress, DateTimeOffset updatedUtc)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(progress);
        return row with
        {
            Status = progress.Status,
            RadiologistId = progress.RadiologistId,
            Priority = progress.Priority,
            PriorityReason = progress.PriorityReason,
            DeadlineUtc = new DateTimeOffset(DateTime.SpecifyKind(progress.DeadlineUtc, DateTimeKind.Utc)),
            Assignment = progress.Assignment,
            Warned = progress.Warned,
            Breached = progress.Breached,
            UpdatedUtc = updatedUtc,
        };
    }
}
