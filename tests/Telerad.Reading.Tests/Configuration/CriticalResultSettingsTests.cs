using System.Text.Json.Nodes;
using Telerad.Reading.Configuration;
using Telerad.Reading.Tests.Infrastructure;

namespace Telerad.Reading.Tests.Configuration;

/// <summary>tenants.json <c>criticalResults</c>: acknowledgment timeouts by severity and the AI heads-up opt-in.</summary>
public sealed class CriticalResultSettingsTests
{
    private static ConfigDocuments With(string criticalResults)
    {
        var docs = new ConfigDocuments();
        docs.Tenant()["criticalResults"] = JsonNode.Parse(criticalResults);
        return docs;
    }

    private static ConfigurationError Single(ConfigDocuments docs, string path, string code)
    {
        var result = docs.TryLoad();
        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("tenants.json", path, code), (error.Document, error.Path, error.Code));
        return error;
    }

    [Fact]
    public void Without_the_section_the_defaults_are_60_minutes_red_6_hours_orange_and_no_ai_heads_up()
    {
        var tenant = new ConfigDocuments().Load().FindTenant("t1")!;

        Assert.Equal(TimeSpan.FromMinutes(60), tenant.CriticalResults.RedAcknowledgmentTimeout);
        Assert.Equal(TimeSpan.FromHours(6), tenant.CriticalResults.OrangeAcknowledgmentTimeout);
        Assert.False(tenant.CriticalResults.AiHeadsUp);
    }

    [Fact]
    public void The_section_sets_the_timeouts_and_the_opt_in()
    {
        var tenant = With("""{ "acknowledgmentTimeouts": { "red": "PT30M", "orange": "PT4H" }, "aiHeadsUp": true }""").Load().FindTenant("t1")!;

        Assert.Equal(TimeSpan.FromMinutes(30), tenant.CriticalResults.AcknowledgmentTimeout("red"));
        Assert.Equal(TimeSpan.FromHours(4), tenant.CriticalResults.AcknowledgmentTimeout("ORANGE"));
        Assert.Equal(TimeSpan.FromMinutes(30), tenant.CriticalResults.AcknowledgmentTimeout("something-else")); // unknown: red, the safe side
        Assert.True(tenant.CriticalResults.AiHeadsUp);
    }

    [Fact]
    public void One_timeout_given_keeps_the_other_default()
    {
        var tenant = With("""{ "acknowledgmentTimeouts": { "orange": "PT2H" } }""").Load().FindTenant("t1")!;

        Assert.Equal((TimeSpan.FromMinutes(60), TimeSpan.FromHours(2)), (tenant.CriticalResults.RedAcknowledgmentTimeout, tenant.CriticalResults.OrangeAcknowledgmentTimeout));
    }

    [Theory]
    [InlineData("""{ "acknowledgmentTimeouts": { "red": "PT0M" } }""", "$.tenants[0].criticalResults.acknowledgmentTimeouts.red", ConfigurationErrorCodes.InvalidDuration)]
    [InlineData("""{ "acknowledgmentTimeouts": { "red": "P1M" } }""", "$.tenants[0].criticalResults.acknowledgmentTimeouts.red", ConfigurationErrorCodes.InvalidDuration)]
    [InlineData("""{ "acknowledgmentTimeouts": { "red": "PT7H" } }""", "$.tenants[0].criticalResults.acknowledgmentTimeouts.red", ConfigurationErrorCodes.InconsistentValue)]
    [InlineData("""{ "acknowledgmentTimeouts": { "yellow": "P1D" } }""", "$.tenants[0].criticalResults.acknowledgmentTimeouts.yellow", ConfigurationErrorCodes.UnknownField)]
    [InlineData("""{ "aiHeadsUp": "yes" }""", "$.tenants[0].criticalResults.aiHeadsUp", ConfigurationErrorCodes.WrongType)]
    [InlineData("""{ "aiHeadsup": true }""", "$.tenants[0].criticalResults.aiHeadsup", ConfigurationErrorCodes.UnknownField)]
    [InlineData("""[ "red" ]""", "$.tenants[0].criticalResults", ConfigurationErrorCodes.WrongType)]
    public void Mistakes_are_reported_by_path_and_code(string section, string path, string code)
    {
        var error = Single(With(section), path, code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }
}
