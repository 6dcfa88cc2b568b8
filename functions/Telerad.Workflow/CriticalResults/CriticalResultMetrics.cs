namespace Telerad.Workflow;

/// <summary>Time from report to acknowledgment of one tenant's critical results over a period, overall and by severity.</summary>
/// <param name="Total">Loops that ended in the period (by report time); loops still running are not counted.</param>
/// <param name="ShareWithinTarget">AcknowledgedWithinTarget / Total (an unacknowledged result counts as outside the target); null when Total is 0.</param>
/// <param name="MedianMinutesToAcknowledge">Over the acknowledged ones; null when none was.</param>
public sealed record CriticalResultMetricsSummary(
    string Tenant,
    DateTimeOffset FromUtc,
    DateTimeOffset ToUtc,
    int Total,
    int Acknowledged,
    int AcknowledgedWithinTarget,
    int Unacknowledged,
    int EmergencyAlerts,
    double? ShareWithinTarget,
    double? MedianMinutesToAcknowledge,
    double? P90MinutesToAcknowledge,
    IReadOnlyDictionary<string, CriticalResultMetricsSummary> BySeverity);

/// <summary>
/// The metrics query over the outcome records (<see cref="CriticalResultRecords"/>): the measure of The Joint Commission
/// NPSG.02.03.01 (critical results acknowledged within the organisation's time frame), per tenant. The API that serves
/// it is the HTTP layer's; this is the function it calls.
/// </summary>
public sealed class CriticalResultMetrics(CriticalResultRecords records)
{
    /// <summary>Loops of <paramref name="tenant"/> whose report arrived in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>).</summary>
    public async Task<CriticalResultMetricsSummary> QueryAsync(string tenant, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        if (toUtc <= fromUtc)
        {
            throw new ArgumentException("The period must end after it starts.", nameof(toUtc));
        }

        var outcomes = new List<CriticalResultOutcome>();
        await foreach (var outcome in records.ListOutcomesAsync(tenant, fromUtc, toUtc, cancellationToken))
        {
            outcomes.Add(outcome);
        }

        var bySeverity = outcomes.GroupBy(o => o.Severity, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Summarise(tenant, fromUtc, toUtc, [.. g], new Dictionary<string, CriticalResultMetricsSummary>()), StringComparer.Ordinal);
        return Summarise(tenant, fromUtc, toUtc, outcomes, bySeverity);
    }

    private static CriticalResultMetricsSummary Summarise(string tenant, DateTimeOffset fromUtc, DateTimeOffset toUtc, List<CriticalResultOutcome> outcomes, IReadOnlyDictionary<string, CriticalResultMetricsSummary> bySeverity)
    {
        var acknowledged = outcomes.Where(o => o.Status == CriticalResultOutcome.Acknowledged).ToList();
        var minutes = acknowledged.Select(o => (o.SecondsToAcknowledge ?? 0) / 60).Order().ToList();
        var within = acknowledged.Count(o => o.WithinTarget);
        return new CriticalResultMetricsSummary(
            tenant, fromUtc, toUtc, outcomes.Count, acknowledged.Count, within, outcomes.Count - acknowledged.Count, outcomes.Count(o => o.EmergencyAlerted),
            outcomes.Count == 0 ? null : (double)within / outcomes.Count,
            Percentile(minutes, 0.5), Percentile(minutes, 0.9), bySeverity);
    }

    /// <summary>Nearest-rank percentile of sorted values (null for none).</summary>
    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
