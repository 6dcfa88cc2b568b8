using Telerad.Ingestion.Tests;

namespace Telerad.Workflow.Tests.CriticalResults;

/// <summary>The plan from configuration, the metrics query and the records' consistency rule, without the engine.</summary>
public sealed class CriticalResultRecordsTests
{
    private static readonly DateTimeOffset March = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static async Task<CriticalResultPlan> PlanAsync(string tenant, string? referrer, string severity = CriticalSeverities.Red)
    {
        await using var host = await CriticalResultHost.StartAsync();
        var study = host.NewStudy(tenant, referrer);
        return await new ConfiguredCriticalResultDirectory(host.Configuration, host.Store).ResolveAsync(tenant, study, severity);
    }

    [Fact]
    public async Task The_chain_is_the_referring_clinician_then_on_call_then_operations_each_once()
    {
        var plan = await PlanAsync("fast", "ref-ed");

        Assert.Equal("ref-ed", plan.ReferrerId);
        Assert.Equal(
            [("ed-attending", CriticalRecipientKinds.Clinician), ("ed-charge", CriticalRecipientKinds.OnCall), ("ops-desk", CriticalRecipientKinds.Operations), ("ops-manager", CriticalRecipientKinds.Operations)],
            plan.Chain.Select(r => (r.Id, r.Kind)));
        Assert.Equal(TimeSpan.FromSeconds(1), plan.AcknowledgmentTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), (await PlanAsync("fast", "ref-ed", CriticalSeverities.Orange)).AcknowledgmentTimeout);
        Assert.False(plan.AiHeadsUp);
    }

    [Fact]
    public async Task Without_critical_result_settings_the_defaults_apply_and_an_unknown_referrer_goes_to_operations()
    {
        var optin = await PlanAsync("optin", "ref-optin");
        Assert.Equal(TimeSpan.FromMinutes(60), optin.AcknowledgmentTimeout);
        Assert.Equal(TimeSpan.FromHours(6), (await PlanAsync("optin", "ref-optin", CriticalSeverities.Orange)).AcknowledgmentTimeout);
        Assert.True(optin.AiHeadsUp);

        // Another tenant's referrer is not this study's: the operations alert contacts take it.
        var foreign = await PlanAsync("fast", "ref-slow");
        Assert.Null(foreign.ReferrerId);
        Assert.Equal([new CriticalResultRecipient("ops-desk", CriticalRecipientKinds.Operations)], foreign.Chain);
    }

    [Theory]
    [InlineData(null, CriticalSeverities.Red)]
    [InlineData("", CriticalSeverities.Red)]
    [InlineData("Orange", CriticalSeverities.Orange)]
    [InlineData("yellow", CriticalSeverities.Red)]
    public void Severities_default_to_red_the_safe_side(string? given, string expected) => Assert.Equal(expected, CriticalSeverities.Normalize(given));

    private static CriticalResultOutcome Outcome(string study, DateTimeOffset reported, string severity, double? secondsToAcknowledge, double target = 3600, bool emergency = false)
    {
        var outcome = new CriticalResultOutcome
        {
            Tenant = "t", StudyKey = study, ReportId = "r", ReportKind = "final", Severity = severity, RadiologistId = "rad-1", ReportedUtc = reported,
            TargetSeconds = target, Status = CriticalResultOutcome.Unacknowledged, Attempts = 1, EmergencyAlerted = emergency, WithinTarget = false, CompletedUtc = reported.AddHours(2),
        };
        return outcome.With(secondsToAcknowledge is { } s ? new CriticalResultAcknowledgment("c", CriticalRecipientKinds.Clinician, AcknowledgmentMethods.Link, reported.AddSeconds(s)) : null);
    }

    [Fact]
    public async Task Metrics_count_each_tenants_loops_of_the_period_by_report_time()
    {
        var store = new InMemoryObjectStore();
        var records = new CriticalResultRecords(store);
        foreach (var outcome in new[]
        {
            Outcome("2.25.1", March, CriticalSeverities.Red, 600),                         // 10 min: within 60
            Outcome("2.25.2", March.AddDays(1), CriticalSeverities.Red, 4800),             // 80 min: late
            Outcome("2.25.3", March.AddDays(2), CriticalSeverities.Red, null, emergency: true),
            Outcome("2.25.4", March.AddDays(3), CriticalSeverities.Orange, 7200, 21600),  // 2 h: within 6 h
            Outcome("2.25.5", March.AddMonths(-1), CriticalSeverities.Red, 60),           // February: outside the period
            Outcome("2.25.6", new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), CriticalSeverities.Red, 60), // the period's end is exclusive
        })
        {
            await records.WriteOutcomeAsync(outcome);
        }

        await records.WriteOutcomeAsync(Outcome("2.25.7", March, CriticalSeverities.Red, 60) with { Tenant = "other" });

        var metrics = await new CriticalResultMetrics(records).QueryAsync("t", new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal((4, 3, 2, 1, 1), (metrics.Total, metrics.Acknowledged, metrics.AcknowledgedWithinTarget, metrics.Unacknowledged, metrics.EmergencyAlerts));
        Assert.Equal(0.5, metrics.ShareWithinTarget);
        Assert.Equal(80, metrics.MedianMinutesToAcknowledge); // 10, 80, 120 minutes
        Assert.Equal(120, metrics.P90MinutesToAcknowledge);
        Assert.Equal(["orange", "red"], metrics.BySeverity.Keys);
        Assert.Equal((3, 1, 1.0 / 3), (metrics.BySeverity["red"].Total, metrics.BySeverity["red"].AcknowledgedWithinTarget, metrics.BySeverity["red"].ShareWithinTarget!.Value));
        Assert.Equal(1.0, metrics.BySeverity["orange"].ShareWithinTarget);

        var empty = await new CriticalResultMetrics(records).QueryAsync("t", new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal((0, (double?)null, (double?)null), (empty.Total, empty.ShareWithinTarget, empty.MedianMinutesToAcknowledge));
    }

    [Fact]
    public async Task An_acknowledgment_stored_before_the_outcome_is_written_is_applied_to_it()
    {
        var records = new CriticalResultRecords(new InMemoryObjectStore());
        var acknowledged = March.AddMinutes(30);
        await records.CreateAcknowledgmentAsync(new CriticalResultAcknowledgmentRecord
        {
            Tenant = "t", StudyKey = "2.25.1", ReportId = "r", RecipientId = "c", RecipientKind = CriticalRecipientKinds.Clinician, Method = AcknowledgmentMethods.Link, AcknowledgedUtc = acknowledged,
        });

        var written = await records.WriteOutcomeAsync(Outcome("2.25.1", March, CriticalSeverities.Red, null, emergency: true));

        Assert.Equal((CriticalResultOutcome.Acknowledged, 1800.0, true), (written.Status, written.SecondsToAcknowledge!.Value, written.WithinTarget));
    }
}
