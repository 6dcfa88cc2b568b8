using System.Text.Json;
using System.Text.Json.Nodes;
using Telerad.Reading.Assignment;
using Telerad.Reading.Tests.Infrastructure;
using static Telerad.Reading.Tests.Assignment.EngineFixture;

namespace Telerad.Reading.Tests.Assignment;

/// <summary>The decision is the audit record and an activity's output: it must survive System.Text.Json both ways.</summary>
public sealed class DecisionSerializationTests
{
    [Fact]
    public void A_decision_round_trips_through_json()
    {
        var docs = new ConfigDocuments();
        docs.AddRadiologist("r1");
        docs.AddRadiologist("r2", r => r["shifts"] = new JsonArray());
        var decision = Assign(docs, NeuroStudy(ReadingPriority.Stat), new() { ["r1"] = new(1, 2.5m) });

        var json = JsonSerializer.Serialize(decision);
        var back = JsonSerializer.Deserialize<AssignmentDecision>(json)!;

        Assert.Equal(decision.ChosenRadiologistId, back.ChosenRadiologistId);
        Assert.Equal(decision.Outcome, back.Outcome);
        Assert.Equal(decision.Explanation, back.Explanation);
        Assert.Equal(decision.Instant, back.Instant);
        Assert.Equal(decision.Subspecialties, back.Subspecialties);
        Assert.Equal(decision.Candidates.Count, back.Candidates.Count);
        for (var i = 0; i < decision.Candidates.Count; i++)
        {
            Assert.Equal(decision.Candidates[i].RadiologistId, back.Candidates[i].RadiologistId);
            Assert.Equal(decision.Candidates[i].Rank, back.Candidates[i].Rank);
            Assert.Equal(decision.Candidates[i].Load, back.Candidates[i].Load);
            Assert.Equal(decision.Candidates[i].Exclusions, back.Candidates[i].Exclusions);
        }
        // The audit JSON names the reason codes as they are documented.
        Assert.Contains("\"Code\":\"off-shift\"", json, StringComparison.Ordinal);
    }
}
