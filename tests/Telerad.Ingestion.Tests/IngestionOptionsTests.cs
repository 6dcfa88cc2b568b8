namespace Telerad.Ingestion.Tests;

/// <summary>Start-up validation of the "Ingestion" settings: a bad value stops the host with its name, not later.</summary>
public sealed class IngestionOptionsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(64)]
    public void A_deidentify_parallelism_from_1_to_64_is_accepted(int parallelism) =>
        new IngestionOptions { DeidentifyParallelism = parallelism }.Validate();

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65)]
    public void A_deidentify_parallelism_outside_1_to_64_is_refused_by_name(int parallelism)
    {
        var error = Assert.Throws<ArgumentException>(() => new IngestionOptions { DeidentifyParallelism = parallelism }.Validate());
        Assert.Contains("DeidentifyParallelism", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_valid_and_work_on_four_instances_of_a_batch_at_once()
    {
        var defaults = new IngestionOptions();
        defaults.Validate();
        Assert.Equal(4, defaults.DeidentifyParallelism);
    }
}
