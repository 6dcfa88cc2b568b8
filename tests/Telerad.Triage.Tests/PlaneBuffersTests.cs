namespace Telerad.Triage.Tests;

public sealed class PlaneBuffersTests
{
    [Fact]
    public void The_next_study_gets_the_array_the_last_one_returned()
    {
        var buffers = new PlaneBuffers();
        var first = buffers.Rent(1000);
        buffers.Return(first);

        Assert.Same(first, buffers.Rent(800));
    }

    [Fact]
    public void A_study_larger_than_the_spare_gets_a_new_array_and_the_larger_one_is_kept()
    {
        var buffers = new PlaneBuffers();
        var small = buffers.Rent(100);
        buffers.Return(small);

        var large = buffers.Rent(500);
        Assert.NotSame(small, large);
        Assert.True(large.Length >= 500);
        buffers.Return(large);
        Assert.Same(large, buffers.Spare);

        buffers.Return(small);
        Assert.Same(large, buffers.Spare);
    }

    [Fact]
    public void Concurrent_studies_never_share_an_array()
    {
        var buffers = new PlaneBuffers();
        buffers.Return(buffers.Rent(64));

        var a = buffers.Rent(64);
        var b = buffers.Rent(64);

        Assert.NotSame(a, b);
    }

    [Fact]
    public void An_array_over_the_limit_is_not_held_between_studies()
    {
        var buffers = new PlaneBuffers();
        buffers.Return(new float[PlaneBuffers.MaxKeptLength + 1]);

        Assert.Null(buffers.Spare);
    }
}
