using System.Collections.Concurrent;

namespace Telerad.Workflow.Tests;

/// <summary>
/// Stands in for the FHIR delivery (Telerad.Fhir has its own tests against a real FHIR server): answers each report
/// version's rounds from a script (default: delivered at once) and records every request.
/// </summary>
internal sealed class ScriptedReportDelivery : IReportDelivery
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ReportDeliveryOutcome>> _scripts = new(StringComparer.Ordinal);

    public ConcurrentQueue<ReportDeliveryRequest> Requests { get; } = new();

    /// <summary>The answers for one report id, in order; the last one repeats.</summary>
    public void Script(string reportId, params ReportDeliveryOutcome[] outcomes) => _scripts[reportId] = new ConcurrentQueue<ReportDeliveryOutcome>(outcomes);

    public Task<ReportDeliveryOutcome> DeliverAsync(ReportDeliveryRequest request, CancellationToken cancellationToken = default)
    {
        Requests.Enqueue(request);
        if (!_scripts.TryGetValue(request.ReportId, out var script))
        {
            return Task.FromResult(new ReportDeliveryOutcome(ReportDeliveryOutcome.Delivered, "201"));
        }

        var next = script.Count > 1 && script.TryDequeue(out var first) ? first : script.TryPeek(out var last) ? last : new ReportDeliveryOutcome(ReportDeliveryOutcome.Delivered, "201");
        return Task.FromResult(next);
    }
}
