using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Telerad.Benchmarks.Reading;

/// <summary>
/// Counts this process's Azure Storage requests by kind (service, method, path shape) from the Azure SDK's own event
/// source ("Azure-Core", event 1 "Request"): what one study costs the storage account (Azurite here), by who asks.
/// A diagnostic (`reading-local --requests`): formatting every request's headers costs CPU, so it is off by default.
/// </summary>
internal sealed partial class StorageRequestCounter : EventListener
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<int, string> _services;
    private volatile bool _counting;

    /// <param name="services">Port → service name (blob, queue, table).</param>
    public StorageRequestCounter(IReadOnlyDictionary<int, string> services) => _services = services;

    public void Start() => _counting = true;

    public IReadOnlyDictionary<string, int> Stop()
    {
        _counting = false;
        return new Dictionary<string, int>(_counts, StringComparer.Ordinal);
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Azure-Core")
        {
            EnableEvents(eventSource, EventLevel.Informational);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_counting || eventData.EventId != 1 || eventData.Payload is not { Count: >= 3 } payload
            || payload[1] is not string method || payload[2] is not string address || !Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            return;
        }

        var service = _services.TryGetValue(uri.Port, out var name) ? name : uri.Port.ToString(CultureInfo.InvariantCulture);
        var path = Ids().Replace(uri.AbsolutePath, "{id}");
        var comp = uri.Query.Contains("comp=", StringComparison.Ordinal) ? " ?" + CompParameter().Match(uri.Query).Value : string.Empty;
        _counts.AddOrUpdate($"{service,-5} {method,-6} {path}{comp}", 1, (_, n) => n + 1);
    }

    /// <summary>Path segments that are ids (task hub items, GUIDs, studies, numbers) collapse into one shape.</summary>
    [GeneratedRegex(@"(?<=/)[^/]*(\d{3,}|[0-9a-f]{8}-|%|read-|study-)[^/]*", RegexOptions.IgnoreCase)]
    private static partial Regex Ids();

    [GeneratedRegex(@"comp=[a-z]+")]
    private static partial Regex CompParameter();
}
