namespace Telerad.Triage;

/// <summary>Slice probabilities to a study-level score and flag, per <see cref="ModelAggregation"/>.</summary>
public static class Aggregation
{
    /// <summary>
    /// Probabilities are float32 (the model's output), so the threshold is compared at that precision: a slice at
    /// 0.7f reaches a threshold of 0.7, though (double)0.7f is a hair below 0.7.
    /// </summary>
    public static (double Score, bool Flagged, int MaxIndex) Aggregate(ReadOnlySpan<float> probabilities, double threshold, ModelAggregation aggregation)
    {
        ArgumentNullException.ThrowIfNull(aggregation);
        if (probabilities.IsEmpty)
        {
            throw new ArgumentException("No slices to aggregate.", nameof(probabilities));
        }

        var maxIndex = 0;
        for (var i = 1; i < probabilities.Length; i++)
        {
            if (probabilities[i] > probabilities[maxIndex])
            {
                maxIndex = i;
            }
        }

        double max = probabilities[maxIndex];
        switch (aggregation.Method)
        {
            case ModelAggregation.Max:
                return (max, Reaches(max, threshold), maxIndex);
            case ModelAggregation.TopKMean:
            {
                var sorted = probabilities.ToArray();
                Array.Sort(sorted);
                var k = Math.Min(aggregation.K, sorted.Length);
                var mean = sorted.AsSpan(sorted.Length - k).ToArray().Average(p => (double)p);
                return (mean, Reaches(mean, threshold), maxIndex);
            }

            case ModelAggregation.Consecutive:
            {
                var run = 0;
                var longest = 0;
                foreach (var p in probabilities)
                {
                    run = Reaches(p, threshold) ? run + 1 : 0;
                    longest = Math.Max(longest, run);
                }

                return (max, longest >= aggregation.N, maxIndex);
            }

            default:
                throw new ArgumentException($"Unknown aggregation {aggregation.Method}.", nameof(aggregation));
        }
    }

    private static bool Reaches(double value, double threshold) => (float)value >= (float)threshold;
}
