using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Telerad.Storage;

namespace Telerad.Workflow;

/// <summary>
/// One alert sent for a critical result: <c>deid/{tenant}/{study}/results/critical-{reportId}/attempt-{n}.json</c>.
/// Results delivery turns each into a FHIR Communication (sent = <see cref="SentUtc"/>, recipient = the contact,
/// about = the DiagnosticReport); the emergency alert (<see cref="RecipientKind"/> <c>emergency</c>) is an internal
/// escalation, kept for the audit trail. Ids only, never PHI.
/// </summary>
/// <remarks>
/// Schema (JSON, camelCase), version 1: <c>format</c> "telerad-critical-result-attempt", <c>version</c>, <c>tenant</c>,
/// <c>studyKey</c>, <c>reportId</c>, <c>reportKind</c> (preliminary/final), <c>severity</c> (red/orange),
/// <c>radiologistId</c> (who reported), <c>referrerId</c> (null if unknown), <c>reportedUtc</c> (when the reading
/// workflow received the report), <c>attempt</c> (1-based; the emergency
/// alert is the last), <c>recipientId</c>, <c>recipientKind</c> (clinician, on-call, operations, emergency),
/// <c>topic</c> and <c>notificationKind</c> (the message sent), <c>messageId</c> (its deterministic id),
/// <c>sentUtc</c>, <c>acknowledgeByUtc</c> (when the next recipient is alerted; null for the emergency alert),
/// <c>linkExpiresUtc</c> (the signed link's expiry).
/// </remarks>
public sealed record CriticalResultAttemptRecord
{
    public const string FormatName = "telerad-critical-result-attempt";

    public string Format { get; init; } = FormatName;

    public int Version { get; init; } = 1;

    public required string Tenant { get; init; }

    public required string StudyKey { get; init; }

    public required string ReportId { get; init; }

    public required string ReportKind { get; init; }

    public required string Severity { get; init; }

    public required string RadiologistId { get; init; }

    public string? ReferrerId { get; init; }

    public required DateTimeOffset ReportedUtc { get; init; }

    public required int Attempt { get; init; }

    public required string RecipientId { get; init; }

    public required string RecipientKind { get; init; }

    public required string Topic { get; init; }

    public required string NotificationKind { get; init; }

    public required string MessageId { get; init; }

    public required DateTimeOffset SentUtc { get; init; }

    public DateTimeOffset? AcknowledgeByUtc { get; init; }

    public required DateTimeOffset LinkExpiresUtc { get; init; }
}

/// <summary>
/// The acknowledgment of a critical result: <c>deid/{tenant}/{study}/results/critical-{reportId}/acknowledgment.json</c>.
/// Written once (the first acknowledgment wins; a second one changes nothing). Results delivery turns it into the
/// FHIR Communication from the recipient (received = <see cref="AcknowledgedUtc"/>, medium from <see cref="Method"/>).
/// </summary>
/// <remarks>
/// Schema (JSON, camelCase), version 1: <c>format</c> "telerad-critical-result-acknowledgment", <c>version</c>,
/// <c>tenant</c>, <c>studyKey</c>, <c>reportId</c>, <c>recipientId</c> (who acknowledged: a person of the chain),
/// <c>recipientKind</c> (clinician, on-call, operations; null if the recipient was never alerted), <c>method</c>
/// (<c>link</c>, <c>phone-read-back</c>), <c>recordedBy</c> (the operations person who recorded a read-back, else null),
/// <c>acknowledgedUtc</c>.
/// </remarks>
public sealed record CriticalResultAcknowledgmentRecord
{
    public const string FormatName = "telerad-critical-result-acknowledgment";

    public string Format { get; init; } = FormatName;

    public int Version { get; init; } = 1;

    public required string Tenant { get; init; }

    public required string StudyKey { get; init; }

    public required string ReportId { get; init; }

    public required string RecipientId { get; init; }

    public string? RecipientKind { get; init; }

    public required string Method { get; init; }

    public string? RecordedBy { get; init; }

    public required DateTimeOffset AcknowledgedUtc { get; init; }

    public CriticalResultAcknowledgment ToAcknowledgment() => new(RecipientId, RecipientKind, Method, AcknowledgedUtc, RecordedBy);
}

/// <summary>
/// How a loop ended, for the metrics: <c>deid/{tenant}/critical-result-metrics/{yyyy}/{MM}/{study}/{reportId}.json</c>
/// (year and month of <see cref="ReportedUtc"/>, so a period is a few prefix listings). Written when the loop ends, and
/// rewritten when an acknowledgment arrives after the loop ended unacknowledged (operations' phone read-back).
/// </summary>
/// <remarks>
/// Schema (JSON, camelCase), version 1: <c>format</c> "telerad-critical-result-outcome", <c>version</c>, <c>tenant</c>,
/// <c>studyKey</c>, <c>reportId</c>, <c>reportKind</c>, <c>severity</c>, <c>radiologistId</c>, <c>referrerId</c>,
/// <c>reportedUtc</c>, <c>targetSeconds</c> (the severity's acknowledgment timeout), <c>status</c> (acknowledged,
/// unacknowledged), <c>attempts</c> (recipients alerted), <c>emergencyAlerted</c>, <c>acknowledgedUtc</c>,
/// <c>acknowledgedBy</c>, <c>acknowledgedByKind</c>, <c>method</c>, <c>secondsToAcknowledge</c> (from the report;
/// null when unacknowledged), <c>withinTarget</c> (acknowledged within <c>targetSeconds</c> of the report), <c>completedUtc</c>.
/// </remarks>
public sealed record CriticalResultOutcome
{
    public const string FormatName = "telerad-critical-result-outcome";
    public const string Acknowledged = "acknowledged";
    public const string Unacknowledged = "unacknowledged";

    public string Format { get; init; } = FormatName;

    public int Version { get; init; } = 1;

    public required string Tenant { get; init; }

    public required string StudyKey { get; init; }

    public required string ReportId { get; init; }

    public required string ReportKind { get; init; }

    public required string Severity { get; init; }

    public required string RadiologistId { get; init; }

    public string? ReferrerId { get; init; }

    public required DateTimeOffset ReportedUtc { get; init; }

    public required double TargetSeconds { get; init; }

    public required string Status { get; init; }

    public required int Attempts { get; init; }

    public required bool EmergencyAlerted { get; init; }

    public DateTimeOffset? AcknowledgedUtc { get; init; }

    public string? AcknowledgedBy { get; init; }

    public string? AcknowledgedByKind { get; init; }

    public string? Method { get; init; }

    public double? SecondsToAcknowledge { get; init; }

    public required bool WithinTarget { get; init; }

    public required DateTimeOffset CompletedUtc { get; init; }

    /// <summary>The same outcome with <paramref name="acknowledgment"/> applied (the metric's time and target check follow from it).</summary>
    public CriticalResultOutcome With(CriticalResultAcknowledgment? acknowledgment)
    {
        if (acknowledgment is null)
        {
            return this with { Status = Unacknowledged, AcknowledgedUtc = null, AcknowledgedBy = null, AcknowledgedByKind = null, Method = null, SecondsToAcknowledge = null, WithinTarget = false };
        }

        var seconds = Math.Max(0, (acknowledgment.AcknowledgedUtc - ReportedUtc).TotalSeconds);
        return this with
        {
            Status = Acknowledged,
            AcknowledgedUtc = acknowledgment.AcknowledgedUtc,
            AcknowledgedBy = acknowledgment.RecipientId,
            AcknowledgedByKind = acknowledgment.RecipientKind,
            Method = acknowledgment.Method,
            SecondsToAcknowledge = seconds,
            WithinTarget = seconds <= TargetSeconds,
        };
    }
}

/// <summary>
/// Where critical-result records live (see the record types for the layout and schemas) and the rules that keep them
/// consistent: attempts are written per attempt, the acknowledgment is created once, and the outcome always reflects
/// the stored acknowledgment, whichever of the loop's end and a late acknowledgment comes last (each side writes its
/// own record first and then reads the other's, so the later one sees both).
/// </summary>
public sealed class CriticalResultRecords(IObjectStore store)
{
    public const string MetricsFolder = "critical-result-metrics";

    private static readonly ObjectWriteOptions Json = new() { ContentType = "application/json" };

    public static string Folder(string tenant, string studyKey, string reportId) => $"{tenant}/{studyKey}/results/critical-{reportId}/";

    public static ObjectRef AttemptName(string tenant, string studyKey, string reportId, int attempt) =>
        new(Containers.Deidentified, $"{Folder(tenant, studyKey, reportId)}attempt-{attempt}.json");

    public static ObjectRef AcknowledgmentName(string tenant, string studyKey, string reportId) =>
        new(Containers.Deidentified, $"{Folder(tenant, studyKey, reportId)}acknowledgment.json");

    public static ObjectRef OutcomeName(string tenant, string studyKey, string reportId, DateTimeOffset reportedUtc) =>
        new(Containers.Deidentified, $"{MetricsPrefix(tenant, reportedUtc)}{studyKey}/{reportId}.json");

    /// <summary>The metrics records of one tenant and month.</summary>
    public static string MetricsPrefix(string tenant, DateTimeOffset month) =>
        $"{tenant}/{MetricsFolder}/{month.UtcDateTime:yyyy}/{month.UtcDateTime:MM}/";

    public Task WriteAttemptAsync(CriticalResultAttemptRecord attempt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return WriteAsync(AttemptName(attempt.Tenant, attempt.StudyKey, attempt.ReportId, attempt.Attempt), attempt, CriticalResultJsonContext.Default.CriticalResultAttemptRecord, Json, cancellationToken);
    }

    /// <summary>The attempts of one loop, in attempt order.</summary>
    public async Task<IReadOnlyList<CriticalResultAttemptRecord>> ListAttemptsAsync(string tenant, string studyKey, string reportId, CancellationToken cancellationToken = default)
    {
        var found = new List<CriticalResultAttemptRecord>();
        await foreach (var item in store.ListAsync(Containers.Deidentified, Folder(tenant, studyKey, reportId) + "attempt-", cancellationToken))
        {
            if (await ReadAsync(item.Reference, CriticalResultJsonContext.Default.CriticalResultAttemptRecord, cancellationToken) is { } attempt)
            {
                found.Add(attempt);
            }
        }

        return [.. found.OrderBy(a => a.Attempt)];
    }

    /// <summary>Creates acknowledgment.json unless one exists; returns the stored one and whether this call created it.</summary>
    public async Task<(CriticalResultAcknowledgmentRecord Stored, bool Created)> CreateAcknowledgmentAsync(CriticalResultAcknowledgmentRecord acknowledgment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(acknowledgment);
        var name = AcknowledgmentName(acknowledgment.Tenant, acknowledgment.StudyKey, acknowledgment.ReportId);
        try
        {
            await WriteAsync(name, acknowledgment, CriticalResultJsonContext.Default.CriticalResultAcknowledgmentRecord, Json with { IfNotExists = true }, cancellationToken);
            return (acknowledgment, true);
        }
        catch (ObjectAlreadyExistsException)
        {
            var stored = await ReadAsync(name, CriticalResultJsonContext.Default.CriticalResultAcknowledgmentRecord, cancellationToken)
                ?? throw new InvalidOperationException($"The acknowledgment of report {acknowledgment.ReportId} exists but cannot be read.");
            return (stored, false);
        }
    }

    public Task<CriticalResultAcknowledgmentRecord?> ReadAcknowledgmentAsync(string tenant, string studyKey, string reportId, CancellationToken cancellationToken = default) =>
        ReadAsync(AcknowledgmentName(tenant, studyKey, reportId), CriticalResultJsonContext.Default.CriticalResultAcknowledgmentRecord, cancellationToken);

    /// <summary>
    /// Writes the loop's outcome, then reads the acknowledgment again: one stored after the loop's end was decided (a
    /// late acknowledgment racing with the emergency alert) is applied, so the metrics never miss it.
    /// </summary>
    public async Task<CriticalResultOutcome> WriteOutcomeAsync(CriticalResultOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var name = OutcomeName(outcome.Tenant, outcome.StudyKey, outcome.ReportId, outcome.ReportedUtc);
        await WriteAsync(name, outcome, CriticalResultJsonContext.Default.CriticalResultOutcome, Json, cancellationToken);
        if (outcome.Status == CriticalResultOutcome.Unacknowledged
            && await ReadAcknowledgmentAsync(outcome.Tenant, outcome.StudyKey, outcome.ReportId, cancellationToken) is { } late)
        {
            outcome = outcome.With(late.ToAcknowledgment());
            await WriteAsync(name, outcome, CriticalResultJsonContext.Default.CriticalResultOutcome, Json, cancellationToken);
        }

        return outcome;
    }

    /// <summary>After an acknowledgment was stored: if the loop already ended unacknowledged, its outcome is rewritten with it.</summary>
    public async Task<CriticalResultOutcome?> ApplyLateAcknowledgmentAsync(string tenant, string studyKey, string reportId, CriticalResultAcknowledgment acknowledgment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(acknowledgment);
        if (await FindOutcomeAsync(tenant, studyKey, reportId, cancellationToken) is not { } found)
        {
            return null; // the loop is still running: its end will read the acknowledgment
        }

        if (found.Outcome.Status == CriticalResultOutcome.Acknowledged)
        {
            return found.Outcome;
        }

        var updated = found.Outcome.With(acknowledgment);
        await WriteAsync(found.Name, updated, CriticalResultJsonContext.Default.CriticalResultOutcome, Json, cancellationToken);
        return updated;
    }

    /// <summary>The outcome of one loop, or null while it runs (the attempt records carry the report time that names it).</summary>
    public async Task<(ObjectRef Name, CriticalResultOutcome Outcome)?> FindOutcomeAsync(string tenant, string studyKey, string reportId, CancellationToken cancellationToken = default)
    {
        var attempts = await ListAttemptsAsync(tenant, studyKey, reportId, cancellationToken);
        if (attempts.Count == 0)
        {
            return null;
        }

        var name = OutcomeName(tenant, studyKey, reportId, attempts[0].ReportedUtc);
        return await ReadAsync(name, CriticalResultJsonContext.Default.CriticalResultOutcome, cancellationToken) is { } outcome ? (name, outcome) : null;
    }

    /// <summary>Every outcome of a tenant whose report time falls in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>).</summary>
    public async IAsyncEnumerable<CriticalResultOutcome> ListOutcomesAsync(string tenant, DateTimeOffset fromUtc, DateTimeOffset toUtc, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var first = new DateTimeOffset(fromUtc.UtcDateTime.Year, fromUtc.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
        for (var month = first; month < toUtc; month = month.AddMonths(1))
        {
            await foreach (var item in store.ListAsync(Containers.Deidentified, MetricsPrefix(tenant, month), cancellationToken))
            {
                if (await ReadAsync(item.Reference, CriticalResultJsonContext.Default.CriticalResultOutcome, cancellationToken) is { } outcome
                    && outcome.ReportedUtc >= fromUtc && outcome.ReportedUtc < toUtc)
                {
                    yield return outcome;
                }
            }
        }
    }

    private async Task WriteAsync<T>(ObjectRef name, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, ObjectWriteOptions options, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value, type));
        await store.WriteAsync(name, content, options, cancellationToken);
    }

    private async Task<T?> ReadAsync<T>(ObjectRef name, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            await using var content = await store.OpenReadAsync(name, cancellationToken);
            return await JsonSerializer.DeserializeAsync(content, type, cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(CriticalResultAttemptRecord))]
[JsonSerializable(typeof(CriticalResultAcknowledgmentRecord))]
[JsonSerializable(typeof(CriticalResultOutcome))]
internal sealed partial class CriticalResultJsonContext : JsonSerializerContext;
