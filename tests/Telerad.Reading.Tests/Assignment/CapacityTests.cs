using System.Text.Json.Nodes;
using Telerad.Reading.Assignment;
using Telerad.Reading.Tests.Infrastructure;
using static Telerad.Reading.Tests.Assignment.EngineFixture;

namespace Telerad.Reading.Tests.Assignment;

/// <summary>Capacity edges: a reader may hold up to maxOpenStudies studies and maxOpenRvus RVUs, this study included.</summary>
public sealed class CapacityTests
{
    private static IReadOnlyList<string> Check(int maxStudies, string maxRvus, int openStudies, string openRvus, string studyRvu)
    {
        var docs = new ConfigDocuments();
        docs.AddRadiologist("r1", r => r["capacity"] = new JsonObject { ["maxOpenStudies"] = maxStudies, ["maxOpenRvus"] = decimal.Parse(maxRvus, System.Globalization.CultureInfo.InvariantCulture) });
        var study = GeneralStudy() with { RvuEstimate = decimal.Parse(studyRvu, System.Globalization.CultureInfo.InvariantCulture) };
        var decision = Assign(docs, study, new() { ["r1"] = new(openStudies, decimal.Parse(openRvus, System.Globalization.CultureInfo.InvariantCulture)) });
        return Codes(decision, "r1");
    }

    [Theory]
    [InlineData(3, "100", 2, "0", "1", true)] // one slot left
    [InlineData(3, "100", 3, "0", "1", false)] // full
    [InlineData(3, "100", 4, "0", "1", false)] // over (capacity lowered while busy)
    [InlineData(1, "100", 0, "0", "1", true)]
    [InlineData(0, "100", 0, "0", "1", false)] // zero pauses the reader
    public void Study_capacity(int max, string maxRvus, int open, string openRvus, string rvu, bool eligible)
    {
        var codes = Check(max, maxRvus, open, openRvus, rvu);
        Assert.Equal(eligible ? [] : [AssignmentReasonCodes.AtStudyCapacity], codes);
    }

    [Theory]
    [InlineData("10", 1, "9", "1", true)] // exactly at the cap with this study
    [InlineData("10", 1, "9", "1.01", false)]
    [InlineData("10", 1, "9.5", "0.5", true)]
    [InlineData("10", 1, "10", "0", true)] // a zero-RVU study fits a full RVU budget
    [InlineData("10", 1, "10", "0.01", false)]
    [InlineData("2", 0, "0", "5", true)] // an idle reader may take one study larger than their RVU capacity
    [InlineData("0", 0, "0", "0.5", false)] // but zero RVU capacity pauses the reader
    public void Rvu_capacity(string maxRvus, int open, string openRvus, string rvu, bool eligible)
    {
        var codes = Check(10, maxRvus, open, openRvus, rvu);
        Assert.Equal(eligible ? [] : [AssignmentReasonCodes.AtRvuCapacity], codes);
    }

    [Fact]
    public void Both_capacities_exceeded_are_both_listed() =>
        Assert.Equal([AssignmentReasonCodes.AtStudyCapacity, AssignmentReasonCodes.AtRvuCapacity], Check(2, "3", 2, "3", "1"));

    [Fact]
    public void The_rvu_estimate_comes_from_the_table_when_the_study_has_none()
    {
        var docs = new ConfigDocuments();
        // 1.0 open + CT head 0.85 = 1.85: fits a 1.85 cap, not a 1.84 one.
        docs.AddRadiologist("r-fits", r => r["capacity"]!["maxOpenRvus"] = 1.85m);
        docs.AddRadiologist("r-full", r => r["capacity"]!["maxOpenRvus"] = 1.84m);
        var decision = Assign(docs, NeuroStudy(), new() { ["r-fits"] = new(1, 1.0m), ["r-full"] = new(1, 1.0m) });
        Assert.Equal(0.85m, decision.RvuEstimate);
        Assert.Equal("r-fits", decision.ChosenRadiologistId);
        Assert.Equal([AssignmentReasonCodes.AtRvuCapacity], Codes(decision, "r-full"));
    }

    [Fact]
    public void A_given_rvu_estimate_wins_over_the_table() =>
        Assert.Equal(7.5m, Assign(new ConfigDocuments(), NeuroStudy() with { RvuEstimate = 7.5m }).RvuEstimate);

    [Fact]
    public void A_radiologist_without_a_load_entry_has_no_open_work()
    {
        var docs = new ConfigDocuments();
        docs.AddRadiologist("r1", r => r["capacity"]!["maxOpenStudies"] = 1);
        var decision = Assign(docs, GeneralStudy(), new() { ["someone-else"] = new(50, 50m) });
        Assert.Equal("r1", decision.ChosenRadiologistId);
        Assert.Equal(RadiologistLoad.None, decision.Candidates[0].Load);
    }

    [Fact]
    public void Negative_loads_and_estimates_are_programming_errors()
    {
        var docs = new ConfigDocuments();
        docs.AddRadiologist("r1");
        var config = docs.Load();
        Assert.Throws<ArgumentException>(() => AssignmentEngine.Assign(GeneralStudy(), config, new Dictionary<string, RadiologistLoad> { ["r1"] = new(-1, 0) }, Noon));
        Assert.Throws<ArgumentException>(() => AssignmentEngine.Assign(GeneralStudy() with { RvuEstimate = -1 }, config, new Dictionary<string, RadiologistLoad>(), Noon));
    }
}
