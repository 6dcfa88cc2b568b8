using Telerad.Reading.Assignment;
using Telerad.Reading.Tests.Infrastructure;
using static Telerad.Reading.Tests.Assignment.EngineFixture;

namespace Telerad.Reading.Tests.Assignment;

public sealed class RankingTests
{
    private static AssignmentDecision Rank(ReadingPriority priority, params (string Id, int Studies, decimal Rvus)[] readers)
    {
        var docs = new ConfigDocuments();
        foreach (var (id, _, _) in readers)
        {
            docs.AddRadiologist(id);
        }
        return Assign(docs, GeneralStudy(priority), readers.ToDictionary(r => r.Id, r => new RadiologistLoad(r.Studies, r.Rvus)));
    }

    private static IEnumerable<string> Order(AssignmentDecision decision) =>
        decision.Candidates.Where(c => c.Eligible).OrderBy(c => c.Rank).Select(c => c.RadiologistId);

    [Fact]
    public void Stat_goes_to_the_reader_with_fewest_open_studies_even_with_more_rvus()
    {
        var decision = Rank(ReadingPriority.Stat, ("r-a", 2, 1.0m), ("r-b", 1, 6.0m));
        Assert.Equal("r-b", decision.ChosenRadiologistId);
        Assert.Equal(AssignmentEngine.StatRankingRule, decision.RankingRule);
        Assert.Equal("'r-b' ranked first of 2 eligible readers (STAT): fewest open studies (1 vs 2 for 'r-a')", decision.Explanation);
    }

    [Theory]
    [InlineData(ReadingPriority.Routine)]
    [InlineData(ReadingPriority.Urgent)]
    public void Other_priorities_go_to_the_reader_with_fewest_open_rvus_even_with_more_studies(ReadingPriority priority)
    {
        var decision = Rank(priority, ("r-a", 2, 1.0m), ("r-b", 1, 6.0m));
        Assert.Equal("r-a", decision.ChosenRadiologistId);
        Assert.Equal(AssignmentEngine.BalancedRankingRule, decision.RankingRule);
        Assert.Equal($"'r-a' ranked first of 2 eligible readers ({ReadingPriorities.Name(priority)}): fewest open RVUs (1.0 vs 6.0 for 'r-b')", decision.Explanation);
    }

    [Fact]
    public void Stat_ties_on_studies_break_on_rvus()
    {
        var decision = Rank(ReadingPriority.Stat, ("r-a", 1, 3.0m), ("r-b", 1, 2.5m));
        Assert.Equal("r-b", decision.ChosenRadiologistId);
        Assert.Contains("same open studies (1) as 'r-a' and fewer open RVUs (2.5 vs 3.0)", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Routine_ties_on_rvus_break_on_studies()
    {
        var decision = Rank(ReadingPriority.Routine, ("r-a", 3, 2.0m), ("r-b", 2, 2.0m));
        Assert.Equal("r-b", decision.ChosenRadiologistId);
        Assert.Contains("same open RVUs (2.0) as 'r-a' and fewer open studies (2 vs 3)", decision.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReadingPriority.Stat)]
    [InlineData(ReadingPriority.Routine)]
    public void Full_ties_break_on_the_ordinal_id(ReadingPriority priority)
    {
        // Ordinal: upper case before lower case ('B' 0x42 < 'a' 0x61), unlike a culture-aware sort.
        var decision = Rank(priority, ("r-a", 1, 1m), ("r-B", 1, 1m), ("r-c", 1, 1m));
        Assert.Equal("r-B", decision.ChosenRadiologistId);
        Assert.Equal(["r-B", "r-a", "r-c"], Order(decision));
        Assert.Contains("same load as 'r-a'", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void The_only_eligible_reader_is_said_to_be_the_only_one()
    {
        var decision = Rank(ReadingPriority.Routine, ("r-a", 0, 0m));
        Assert.Equal("'r-a' is the only eligible reader (0 open studies, 0 open RVUs)", decision.Explanation);
    }

    [Fact]
    public void Candidates_list_eligible_readers_by_rank_then_excluded_ones_by_id()
    {
        var docs = new ConfigDocuments();
        docs.AddRadiologist("r-z");
        docs.AddRadiologist("r-x", r => r["licensedJurisdictions"] = new System.Text.Json.Nodes.JsonArray("US-TX"));
        docs.AddRadiologist("r-y");
        docs.AddRadiologist("r-w", r => r["shifts"] = new System.Text.Json.Nodes.JsonArray());
        var decision = Assign(docs, GeneralStudy(), new() { ["r-z"] = new(0, 0m), ["r-y"] = new(1, 1m) });
        Assert.Equal(["r-z", "r-y", "r-w", "r-x"], decision.Candidates.Select(c => c.RadiologistId));
        Assert.Equal([1, 2, null, null], decision.Candidates.Select(c => c.Rank));
    }

    [Fact]
    public void The_decision_does_not_depend_on_the_order_of_the_documents()
    {
        var forward = new ConfigDocuments();
        var backward = new ConfigDocuments();
        var ids = Enumerable.Range(0, 8).Select(i => "r" + i).ToList();
        ids.ForEach(id => forward.AddRadiologist(id));
        Enumerable.Reverse(ids).ToList().ForEach(id => backward.AddRadiologist(id));
        var loads = ids.ToDictionary(id => id, id => new RadiologistLoad(id.Length % 2, 1m));
        var a = Assign(forward, GeneralStudy(), loads);
        var b = Assign(backward, GeneralStudy(), loads);
        Assert.Equal(a.ChosenRadiologistId, b.ChosenRadiologistId);
        Assert.Equal(a.Candidates, b.Candidates, (x, y) => x.RadiologistId == y.RadiologistId && x.Rank == y.Rank);
        Assert.Equal(a.Explanation, b.Explanation);
    }

    [Fact]
    public void The_public_ranking_comparer_orders_like_the_engine()
    {
        var loads = new (string, RadiologistLoad)[] { ("b", new(1, 5m)), ("a", new(2, 1m)), ("c", new(1, 5m)) };
        Assert.Equal(["b", "c", "a"], loads.Order(AssignmentEngine.Ranking(ReadingPriority.Stat)).Select(x => x.Item1));
        Assert.Equal(["a", "b", "c"], loads.Order(AssignmentEngine.Ranking(ReadingPriority.Routine)).Select(x => x.Item1));
    }
}
