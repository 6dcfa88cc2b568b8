using System.Globalization;

namespace Telerad.Benchmarks.Reading;

/// <summary>Latencies in milliseconds, sorted, with nearest-rank percentiles.</summary>
internal sealed class Latencies
{
    private readonly List<double> _sorted;

    public Latencies(IEnumerable<double> milliseconds)
    {
        _sorted = [.. milliseconds.Order()];
        if (_sorted.Count == 0)
        {
            throw new ArgumentException("No latencies measured.", nameof(milliseconds));
        }
    }

    public double P50 => Percentile(0.50);

    public double P95 => Percentile(0.95);

    public double Max => _sorted[^1];

    public double Percentile(double fraction) => _sorted[Math.Max(0, (int)Math.Ceiling(_sorted.Count * fraction) - 1)];

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"p50 {P50:0} ms, p95 {P95:0} ms, max {Max:0} ms");
}
