using System.Collections.Concurrent;
using System.Text.Json;
using DurableTask.AzureStorage.Tracking;
using DurableTask.Core;

namespace Telerad.Local;

/// <summary>
/// The read side of the status API, from what the pipeline already keeps: the `incoming` listing, the ingestion
/// ledger, the poller's journal, quarantine reasons, `deid/`, and the durable engine's instance table. Answers carry
/// opaque object ids and pseudonymous study keys only: never object names (hospitals choose them, they may hold PHI).
/// </summary>
public sealed class StatusQueries(IObjectStore store, IIngestionLedger ledger, IngestionJournal journal, ManifestHandler manifests, DurableEngine engine)
{
    private const string ReasonSuffix = ".reason.json";

    public async Task<UploadStatus> UploadAsync(string tenant, string uploadId, CancellationToken cancellationToken)
    {
        var prefix = $"{tenant}/{uploadId}/";
        var objects = new List<ObjectProperties>();
        await foreach (var item in store.ListAsync(Containers.Incoming, prefix, cancellationToken))
        {
            objects.Add(item);
        }

        var rows = await journal.ForUploadAsync(tenant, uploadId, cancellationToken);
        var reasons = await QuarantineReasonsAsync(prefix, cancellationToken);
        var items = new ConcurrentBag<(int Index, ObjectStatus Status)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, objects.Count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var item = objects[i];
            var name = IncomingObjectName.TryParse(item.Reference.Name);
            var (_, row) = IngestionJournal.KeyOf(item);
            var objectId = row[..row.LastIndexOf('_')];
            var entry = name is null ? null : await ledger.FindAsync(tenant, name.ObjectId, item.ETag, ct);
            rows.TryGetValue(row, out var journaled);
            QuarantineStatus? quarantine = null;
            if (reasons.TryGetValue(item.Reference.Name, out var reasonObject))
            {
                quarantine = await ReadReasonAsync(reasonObject, ct);
            }

            var kind = name is null ? "object" : name.IsManifest ? "manifest" : name.IsExtracted ? "extracted" : "object";
            items.Add((i, new ObjectStatus(
                objectId, kind, item.Length, item.LastModified, entry?.Outcome ?? "pending", entry?.At,
                journaled?.StudyKey, journaled?.SeriesKey, journaled?.SopKey, journaled?.Version, quarantine)));
        });

        var ordered = items.OrderBy(i => i.Index).Select(i => i.Status).ToList();
        var expected = new Dictionary<string, int>(StringComparer.Ordinal);
        if (objects.FirstOrDefault(o => IncomingObjectName.TryParse(o.Reference.Name)?.IsManifest == true) is { } manifest)
        {
            foreach (var (studyKey, count) in await manifests.ReadExpectationsAsync(manifest.Reference, cancellationToken))
            {
                expected[studyKey] = count;
            }
        }

        var accepted = ordered.Where(o => o.StudyKey is not null && o.Outcome is LedgerEntry.Accepted or LedgerEntry.Versioned)
            .GroupBy(o => o.StudyKey!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(o => o.SopKey).Distinct(StringComparer.Ordinal).Count(), StringComparer.Ordinal);
        var studies = expected.Keys.Union(accepted.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(k => new UploadStudyStatus(k, expected.TryGetValue(k, out var e) ? e : null, accepted.GetValueOrDefault(k)))
            .ToList();
        var outcomes = ordered.GroupBy(o => o.Outcome, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new UploadStatus(tenant, uploadId, ordered.Count, ordered.Count(o => o.Outcome == "pending"), outcomes, studies, ordered);
    }

    public async Task<IReadOnlyList<StudyListItem>> StudiesAsync(string tenant, CancellationToken cancellationToken)
    {
        var prefix = StudyAssembly.InstanceId(tenant, string.Empty);
        var states = new List<OrchestrationState>();
        string? continuation = null;
        do
        {
            var page = await engine.Service.GetOrchestrationStateAsync(
                new OrchestrationInstanceStatusQueryCondition { InstanceIdPrefix = prefix, FetchInput = false, FetchOutput = false }, 100, continuation, cancellationToken);
            states.AddRange(page.OrchestrationState);
            continuation = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(continuation));

        var items = new ConcurrentBag<StudyListItem>();
        await Parallel.ForEachAsync(states, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (state, ct) =>
        {
            var studyKey = state.OrchestrationInstance.InstanceId[prefix.Length..];
            var summary = await store.GetPropertiesAsync(SummaryOf(tenant, studyKey), ct);
            items.Add(new StudyListItem(studyKey, state.OrchestrationStatus.ToString(), Progress(state.Status), Utc(state.CreatedTime), Utc(state.LastUpdatedTime), summary?.LastModified));
        });
        return [.. items.OrderBy(i => i.CreatedAt).ThenBy(i => i.StudyKey, StringComparer.Ordinal)];
    }

    public async Task<StudyStatus?> StudyAsync(string tenant, string studyKey, CancellationToken cancellationToken)
    {
        var instanceId = StudyAssembly.InstanceId(tenant, studyKey);
        var state = await engine.Client.GetOrchestrationStateAsync(instanceId);
        var outputs = new List<ObjectProperties>();
        ObjectProperties? summary = null;
        await foreach (var item in store.ListAsync(Containers.Deidentified, $"{tenant}/{studyKey}/", cancellationToken))
        {
            if (item.Reference.Name.EndsWith(".dcm", StringComparison.Ordinal))
            {
                outputs.Add(item);
            }
            else if (item.Reference.Name.EndsWith("/summary.json", StringComparison.Ordinal))
            {
                summary = item;
            }
        }

        if (state is null && summary is null && outputs.Count == 0)
        {
            return null;
        }

        JsonElement? summaryJson = null;
        if (summary is not null)
        {
            await using var content = await store.OpenReadAsync(summary.Reference, cancellationToken);
            using var document = await JsonDocument.ParseAsync(content, cancellationToken: cancellationToken);
            summaryJson = document.RootElement.Clone();
        }

        var orchestration = state is null
            ? null
            : new OrchestrationView(instanceId, state.OrchestrationStatus.ToString(), Progress(state.Status), Utc(state.CreatedTime), Utc(state.LastUpdatedTime));
        return new StudyStatus(
            tenant,
            studyKey,
            orchestration,
            outputs.Count,
            outputs.Sum(o => o.Length),
            outputs.Count > 0 ? outputs.Min(o => o.LastModified) : null,
            outputs.Count > 0 ? outputs.Max(o => o.LastModified) : null,
            summary?.LastModified,
            summaryJson);
    }

    private static ObjectRef SummaryOf(string tenant, string studyKey) => new(Containers.Deidentified, $"{tenant}/{studyKey}/summary.json");

    /// <summary>Incoming object name → its reason.json in quarantine (same relative path plus the suffix).</summary>
    private async Task<Dictionary<string, ObjectRef>> QuarantineReasonsAsync(string prefix, CancellationToken cancellationToken)
    {
        var reasons = new Dictionary<string, ObjectRef>(StringComparer.Ordinal);
        await foreach (var item in store.ListAsync(Containers.Quarantine, prefix, cancellationToken))
        {
            if (item.Reference.Name.EndsWith(ReasonSuffix, StringComparison.Ordinal))
            {
                reasons[item.Reference.Name[..^ReasonSuffix.Length]] = item.Reference;
            }
        }

        return reasons;
    }

    private async Task<QuarantineStatus?> ReadReasonAsync(ObjectRef reason, CancellationToken cancellationToken)
    {
        try
        {
            await using var content = await store.OpenReadAsync(reason, cancellationToken);
            using var document = await JsonDocument.ParseAsync(content, cancellationToken: cancellationToken);
            var root = document.RootElement;
            var at = root.TryGetProperty("at", out var atValue) && atValue.TryGetDateTimeOffset(out var parsed) ? parsed : (DateTimeOffset?)null;
            return new QuarantineStatus(root.GetProperty("code").GetString() ?? "unknown", root.GetProperty("message").GetString() ?? string.Empty, at);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ObjectNotFoundException)
        {
            return new QuarantineStatus("unknown", "The quarantine reason could not be read.", null);
        }
    }

    /// <summary>The orchestration's custom status (a JSON string such as "processing 12"), unwrapped.</summary>
    private static string? Progress(string? customStatus)
    {
        if (string.IsNullOrEmpty(customStatus))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(customStatus);
            return document.RootElement.ValueKind == JsonValueKind.String ? document.RootElement.GetString() : customStatus;
        }
        catch (JsonException)
        {
            return customStatus;
        }
    }

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
