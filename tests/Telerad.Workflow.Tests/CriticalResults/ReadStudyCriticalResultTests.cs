using Microsoft.DurableTask.Client;
using Telerad.Ingestion;
using Telerad.Notifications;

namespace Telerad.Workflow.Tests.CriticalResults;

/// <summary>ReadStudyV1 and CriticalResultV1 together on the real in-process engine: the hook starts loops without waiting for them, and AI flags never reach clinicians as results.</summary>
public sealed class ReadStudyCriticalResultTests : IAsyncLifetime
{
    private CriticalResultHost _host = null!;

    public async Task InitializeAsync() => _host = await CriticalResultHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static ReadingPolicy Policy => new()
    {
        Turnaround = new Dictionary<string, TimeSpan> { [ReadingPriorities.Stat] = TimeSpan.FromMinutes(30), [ReadingPriorities.Urgent] = TimeSpan.FromMinutes(60), [ReadingPriorities.Routine] = TimeSpan.FromMinutes(60) },
        AcceptReminderInterval = TimeSpan.FromMinutes(5),
        Retry = CriticalResultHost.Retry,
    };

    private async Task<string> StartReadingAsync(string tenant, string? referrer, string order, PriorityUpgrade? upgrade = null)
    {
        var study = _host.NewStudy(tenant, referrer);
        await _host.Client.ScheduleNewOrchestrationInstanceAsync(ReadStudy.OrchestratorName, new ReadStudyInput(tenant, study, order, upgrade, Policy), new StartOrchestrationOptions(ReadStudy.InstanceId(tenant, study)));
        return study;
    }

    private Task RaiseAsync(string tenant, string study, ReadingEvent evt) => _host.Client.RaiseEventAsync(ReadStudy.InstanceId(tenant, study), ReadStudy.EventName, evt);

    private async Task<ReadingOutcome> ReadingOutcomeAsync(string tenant, string study)
    {
        var done = await _host.Client.WaitForInstanceCompletionAsync(ReadStudy.InstanceId(tenant, study), getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
        return done.ReadOutputAs<ReadingOutcome>()!;
    }

    private async Task<int> LoopsOfAsync(string tenant, string study)
    {
        var count = 0;
        await foreach (var _ in _host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = $"critical-{tenant}-{study}-" }))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task A_critical_preliminary_report_starts_exactly_one_loop_and_the_reading_still_completes_on_the_final_report()
    {
        var study = await StartReadingAsync("slow", "ref-slow", "STAT");
        await _host.WaitForAsync(study, NotificationKinds.AssignmentOffered);
        await RaiseAsync("slow", study, new ReadingEvent(ReadingEvent.Accept, "rad-1"));
        var preliminary = new ReadingEvent(ReadingEvent.Report, "rad-1", ReadingEvent.Preliminary, "prelim-1", Critical: true, Severity: CriticalSeverities.Red);
        await RaiseAsync("slow", study, preliminary);
        await RaiseAsync("slow", study, preliminary); // delivered twice (a retried API call)

        var alert = await _host.WaitForAsync(study, NotificationKinds.CriticalResult, "slow-clinician");
        await RaiseAsync("slow", study, new ReadingEvent(ReadingEvent.Report, "rad-1", ReadingEvent.Final, "final-1"));
        var reading = await ReadingOutcomeAsync("slow", study);

        Assert.Equal(ReadingOutcome.Reported, reading.Status);
        Assert.Equal("final:final-1", reading.Reports[^1]);
        Assert.Equal(1, await LoopsOfAsync("slow", study));
        // The reading ended while the loop still waits for its acknowledgment: ReadStudy did not wait for it.
        var loopId = CriticalResult.InstanceId("slow", study, "prelim-1");
        Assert.Equal(OrchestrationRuntimeStatus.Running, await _host.StatusAsync(loopId));
        Assert.Equal(("prelim-1", "rad-1", CriticalSeverities.Red), (alert.ReportId, alert.RadiologistId, alert.Severity));
        var input = (await _host.Client.GetInstanceAsync(loopId, getInputsAndOutputs: true))!.ReadInputAs<CriticalResultInput>()!;
        Assert.Equal((ReadingEvent.Preliminary, "ref-slow", TimeSpan.FromSeconds(60)), (input.ReportKind, input.ReferrerId, input.AcknowledgmentTimeout));
        Assert.Equal([new CriticalResultRecipient("slow-clinician", CriticalRecipientKinds.Clinician), new CriticalResultRecipient("ops-desk", CriticalRecipientKinds.Operations)], input.Chain);

        await _host.Acknowledgments().AcknowledgeAsync(new AcknowledgeRequest(CriticalResultHost.TokenOf(alert.Links[LinkActions.Acknowledge]), "slow-clinician", AcknowledgmentMethods.Link), _host.Gateway);
        Assert.Equal(CriticalResultOutcome.Acknowledged, (await _host.OutcomeAsync("slow", study, "prelim-1", seconds: 10)).Status);
    }

    [Fact]
    public async Task A_report_not_flagged_critical_starts_no_loop()
    {
        var study = await StartReadingAsync("fast", "ref-ed", "ROUTINE");
        await _host.WaitForAsync(study, NotificationKinds.AssignmentOffered);
        await RaiseAsync("fast", study, new ReadingEvent(ReadingEvent.Accept, "rad-1"));
        await RaiseAsync("fast", study, new ReadingEvent(ReadingEvent.Report, "rad-1", ReadingEvent.Final, "final-1"));

        Assert.Equal(ReadingOutcome.Reported, (await ReadingOutcomeAsync("fast", study)).Status);
        Assert.Equal(0, await LoopsOfAsync("fast", study));
        Assert.DoesNotContain(_host.Sent(study), n => n.Topic == NotificationTopics.CriticalResults);
    }

    [Fact]
    public async Task An_ai_only_flag_never_reaches_a_clinician()
    {
        var study = await StartReadingAsync("fast", "ref-ed", "ROUTINE", new PriorityUpgrade(PriorityUpgrade.Stat, "AI critical finding intracranial-hyperdensity"));
        await _host.WaitForAsync(study, NotificationKinds.AssignmentOffered);
        await RaiseAsync("fast", study, new ReadingEvent(ReadingEvent.Accept, "rad-1"));
        // The radiologist does not confirm the AI's finding: the final report is not critical.
        await RaiseAsync("fast", study, new ReadingEvent(ReadingEvent.Report, "rad-1", ReadingEvent.Final, "final-1"));

        Assert.Equal(ReadingPriorities.Stat, (await ReadingOutcomeAsync("fast", study)).Priority);
        Assert.DoesNotContain(_host.Sent(study), n => n.Topic == NotificationTopics.CriticalResults || n.RecipientId is not null);
        Assert.Equal(0, await LoopsOfAsync("fast", study));
        Assert.Contains(_host.Audit(study), r => r.Action == "critical-result.ai-flag-withheld" && r.Purpose == "not-opted-in");
    }

    [Fact]
    public async Task A_tenant_that_opted_in_sends_one_labelled_non_diagnostic_heads_up_and_no_loop()
    {
        var study = await StartReadingAsync("optin", "ref-optin", "ROUTINE", new PriorityUpgrade(PriorityUpgrade.Stat, "AI critical finding intracranial-hyperdensity"));

        var headsUp = await _host.WaitForAsync(study, NotificationKinds.CriticalResultAiHeadsUp);
        await RaiseAsync("optin", study, new ReadingEvent(ReadingEvent.Cancel));
        await ReadingOutcomeAsync("optin", study);

        Assert.Equal((NotificationTopics.CriticalResults, "optin-clinician", CriticalRecipientKinds.Clinician), (headsUp.Topic, headsUp.RecipientId, headsUp.RecipientKind));
        Assert.Equal(NotificationLabels.NonDiagnosticAi, headsUp.Label);
        Assert.StartsWith("NON-DIAGNOSTIC", headsUp.Label, StringComparison.Ordinal);
        Assert.Equal("AI critical finding intracranial-hyperdensity", headsUp.Reason);
        Assert.Empty(headsUp.Links); // nothing to acknowledge: it is not a result
        Assert.Null(headsUp.ReportId);
        Assert.Single(_host.Sent(study), n => n.Topic == NotificationTopics.CriticalResults);
        Assert.DoesNotContain(_host.Sent(study), n => n.Kind == NotificationKinds.CriticalResult);
        Assert.Equal(0, await LoopsOfAsync("optin", study));
    }

    [Fact]
    public async Task An_opted_in_tenant_whose_study_has_no_referrer_sends_no_heads_up()
    {
        var study = await StartReadingAsync("optin", referrer: null, "ROUTINE", new PriorityUpgrade(PriorityUpgrade.Stat, "AI critical finding"));
        await _host.WaitForAsync(study, NotificationKinds.AssignmentOffered);
        await RaiseAsync("optin", study, new ReadingEvent(ReadingEvent.Cancel));
        await ReadingOutcomeAsync("optin", study);

        Assert.DoesNotContain(_host.Sent(study), n => n.Topic == NotificationTopics.CriticalResults);
        Assert.Contains(_host.Audit(study), r => r.Action == "critical-result.ai-flag-withheld" && r.Purpose == "no-referring-clinician");
    }

    [Fact]
    public async Task When_the_loop_cannot_start_operations_is_told_to_phone_the_result_and_the_reading_goes_on()
    {
        var study = await StartReadingAsync("slow", "ref-slow", "ROUTINE");
        // A summary that cannot be read makes the start activity fail on every retry.
        _host.Store.Put(new ObjectRef(Containers.Deidentified, $"slow/{study}/summary.json"), "{ not json"u8.ToArray());
        await _host.WaitForAsync(study, NotificationKinds.AssignmentOffered);
        await RaiseAsync("slow", study, new ReadingEvent(ReadingEvent.Accept, "rad-1"));
        await RaiseAsync("slow", study, new ReadingEvent(ReadingEvent.Report, "rad-1", ReadingEvent.Final, "final-1", Critical: true, Severity: CriticalSeverities.Orange));

        Assert.Equal(ReadingOutcome.Reported, (await ReadingOutcomeAsync("slow", study)).Status);
        var alert = Assert.Single(_host.Sent(study), n => n.Kind == NotificationKinds.CriticalResultUnacknowledged);
        Assert.Equal(NotificationTopics.Operations, alert.Topic);
        Assert.Contains("could not start", alert.Reason, StringComparison.Ordinal);
        Assert.Contains(_host.Audit(study), r => r.Action == "critical-result.start-failed" && r.Purpose == "final-1");
        Assert.Equal(0, await LoopsOfAsync("slow", study));
    }
}
