namespace Telerad.Triage.Tests;

public sealed class AggregationTests
{
    private static readonly float[] Probabilities = [0.1f, 0.6f, 0.7f, 0.2f, 0.65f, 0.66f, 0.64f];

    [Fact]
    public void Max_is_the_highest_slice()
    {
        var (score, flagged, index) = Aggregation.Aggregate(Probabilities, 0.7, new ModelAggregation(ModelAggregation.Max));
        Assert.Equal(0.7, score, 6);
        Assert.True(flagged); // at the threshold counts
        Assert.Equal(2, index);
        Assert.False(Aggregation.Aggregate(Probabilities, 0.71, new ModelAggregation(ModelAggregation.Max)).Flagged);
    }

    [Fact]
    public void Top_k_mean_averages_the_k_highest()
    {
        // .7, .66, .65 -> .67
        var (score, flagged, index) = Aggregation.Aggregate(Probabilities, 0.6, new ModelAggregation(ModelAggregation.TopKMean, K: 3));
        Assert.Equal(0.67, score, 5);
        Assert.True(flagged);
        Assert.Equal(2, index);
        Assert.False(Aggregation.Aggregate(Probabilities, 0.68, new ModelAggregation(ModelAggregation.TopKMean, K: 3)).Flagged);
        Assert.Equal(Probabilities.Average(p => (double)p), Aggregation.Aggregate(Probabilities, 0.5, new ModelAggregation(ModelAggregation.TopKMean, K: 100)).Score, 5);
    }

    [Fact]
    public void Consecutive_needs_n_slices_in_a_row()
    {
        // At 0.6: runs .6 .7 (2) and .65 .66 .64 (3).
        Assert.True(Aggregation.Aggregate(Probabilities, 0.6, new ModelAggregation(ModelAggregation.Consecutive, N: 3)).Flagged);
        Assert.False(Aggregation.Aggregate(Probabilities, 0.6, new ModelAggregation(ModelAggregation.Consecutive, N: 4)).Flagged);
        // At 0.65 only .7 and then .65 .66 remain: longest run 2.
        Assert.False(Aggregation.Aggregate(Probabilities, 0.65, new ModelAggregation(ModelAggregation.Consecutive, N: 3)).Flagged);
        Assert.Equal(0.7, Aggregation.Aggregate(Probabilities, 0.65, new ModelAggregation(ModelAggregation.Consecutive, N: 3)).Score, 6);
    }

    [Fact]
    public void No_slices_is_an_error_not_a_score()
    {
        Assert.Throws<ArgumentException>(() => Aggregation.Aggregate([], 0.5, new ModelAggregation(ModelAggregation.Max)));
    }

    [Fact]
    public void Sampling_keeps_first_and_last_evenly()
    {
        var items = Enumerable.Range(0, 10).ToList();
        Assert.Equal([0, 3, 6, 9], TriageEngine.Sample(items, 4));
        Assert.Equal(items, TriageEngine.Sample(items, 0));
        Assert.Equal([5], TriageEngine.Sample(items, 1));
    }

    [Fact]
    public void Channels_stack_each_slice_between_its_neighbours_with_edges_repeated()
    {
        // Three planes of one value each: 1, 2, 3. With 3 channels slice 0 is (1, 1, 2), slice 1 (1, 2, 3), slice 2 (2, 3, 3).
        float[] planes = [1, 2, 3];
        Assert.Equal([1, 1, 2, 1, 2, 3, 2, 3, 3], TriageEngine.StackChannels(planes, 3, 1, 3));
        Assert.Same(planes, TriageEngine.StackChannels(planes, 3, 1, 1));
    }
}
