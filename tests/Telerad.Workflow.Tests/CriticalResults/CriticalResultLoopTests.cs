using Microsoft.DurableTask.Client;
using Telerad.Notifications;

namespace Telerad.Workflow.Tests.CriticalResults;

/// <summary>CriticalResultV1 on the real in-process Durable Task engine, acknowledgment timeouts compressed to seconds (see <see cref="CriticalResultHost"/>).</summary>
public sealed class CriticalResultLoopTests : IAsyncLifetime
{
    private CriticalResultHost _host = null!;

    public async Task InitializeAsync() => _host = await CriticalResultHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static AcknowledgeRequest Ack(Notification alert, string? recipient = null, string method = AcknowledgmentMethods.Link, string? recordedBy = null) =>
        new(CriticalResultHost.TokenOf(alert.Links[LinkActions.Acknowledge]), recipient ?? alert.RecipientId!, method, recordedBy);

    [Fact]
    public async Task Acknowledged_in_time_the_loop_ends_at_once_with_the_timer_cancelled_and_nobody_else_alerted()
    {
        var study = _host.NewStudy("slow", "ref-slow"); // 60 s to acknowledge
        var started = await _host.StartLoopAsync(CriticalResultHost.Request("slow", study));
        Assert.True(started.Started);

        var alert = await _host.WaitForAsync(study, NotificationKinds.CriticalResult, "slow-clinician");
        Assert.Equal((NotificationTopics.CriticalResults, CriticalRecipientKinds.Clinician, "rep-1", CriticalSeverities.Red, "rad-1"), (alert.Topic, alert.RecipientKind, alert.ReportId, alert.Severity, alert.RadiologistId));
        Assert.StartsWith($"https://telerad.example.org/api/critical-results/{study}/rep-1/acknowledge?recipient=slow-clinician&token=", alert.Links[LinkActions.Acknowledge], StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(60), alert.DeadlineUtc!.Value - alert.CreatedUtc);

        var result = await _host.Acknowledgments().AcknowledgeAsync(Ack(alert), _host.Gateway);
        Assert.Equal(AcknowledgeResult.Acknowledged, result.Status);

        // Completes within seconds although its timer was set for 60 s: the acknowledgment cancelled it.
        var outcome = await _host.OutcomeAsync("slow", study, seconds: 10);
        Assert.Equal((CriticalResultOutcome.Acknowledged, 1, false, "slow-clinician", CriticalRecipientKinds.Clinician, AcknowledgmentMethods.Link, true),
            (outcome.Status, outcome.Attempts, outcome.EmergencyAlerted, outcome.AcknowledgedBy, outcome.AcknowledgedByKind, outcome.Method, outcome.WithinTarget));
        Assert.InRange(outcome.SecondsToAcknowledge!.Value, 0, 10);
        Assert.Equal(60, outcome.TargetSeconds);
        Assert.Single(_host.Sent(study)); // no escalation, no emergency

        // The alert and the acknowledgment went into the referrer's record (as FHIR Communications), each recorded.
        var folder = $"slow/{study}/results/critical-rep-1/";
        Assert.Equal(
            [folder + "acknowledgment.json", folder + "attempt-1.json", folder + "communication-acknowledgment.delivered.json", folder + "communication-attempt-1.delivered.json"],
            _host.Store.Names.Where(n => n.Name.StartsWith(folder, StringComparison.Ordinal)).Select(n => n.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["attempt-1", "acknowledgment"], _host.Communications.Requests.Where(r => r.StudyKey == study).Select(r => r.Step));
        var attempt = Assert.Single(await _host.Records.ListAttemptsAsync("slow", study, "rep-1"));
        Assert.Equal(("slow-clinician", CriticalRecipientKinds.Clinician, alert.MessageId, "ref-slow", 1), (attempt.RecipientId, attempt.RecipientKind, attempt.MessageId, attempt.ReferrerId, attempt.Attempt));
        Assert.True(attempt.LinkExpiresUtc >= attempt.AcknowledgeByUtc); // the link outlives the wait
        var stored = await _host.Records.ReadAcknowledgmentAsync("slow", study, "rep-1");
        Assert.Equal(("slow-clinician", AcknowledgmentMethods.Link, (string?)null), (stored!.RecipientId, stored.Method, stored.RecordedBy));
        Assert.Contains(_host.Store.Names, n => n.Name.StartsWith($"slow/{CriticalResultRecords.MetricsFolder}/", StringComparison.Ordinal) && n.Name.EndsWith($"/{study}/rep-1.json", StringComparison.Ordinal));

        Assert.Equal(["critical-result.started", "critical-result.alerted", "critical-result.acknowledged", "critical-result.completed"], _host.Audit(study).Select(r => r.Action));
        Assert.Contains(_host.Audit(study), r => r.Action == "critical-result.acknowledged" && r.Actor == "slow-clinician");
    }

    [Fact]
    public async Task Unacknowledged_the_chain_is_walked_in_order_then_operations_gets_the_emergency_alert()
    {
        var study = _host.NewStudy("fast", "ref-ed"); // red: 1 s each
        await _host.StartLoopAsync(CriticalResultHost.Request("fast", study));

        var emergency = await _host.WaitForAsync(study, NotificationKinds.CriticalResultUnacknowledged, seconds: 30);
        var outcome = await _host.OutcomeAsync("fast", study);

        var alerts = _host.Sent(study).Where(n => n.Kind == NotificationKinds.CriticalResult).ToList();
        Assert.Equal(
            [("ed-attending", CriticalRecipientKinds.Clinician), ("ed-charge", CriticalRecipientKinds.OnCall), ("ops-desk", CriticalRecipientKinds.Operations), ("ops-manager", CriticalRecipientKinds.Operations)],
            alerts.Select(a => (a.RecipientId!, a.RecipientKind!)));
        for (var i = 1; i < alerts.Count; i++)
        {
            // The next person is alerted only after the previous one's time is up.
            Assert.True(alerts[i].CreatedUtc - alerts[i - 1].CreatedUtc >= TimeSpan.FromSeconds(1), $"alert {i + 1} came {alerts[i].CreatedUtc - alerts[i - 1].CreatedUtc} after the one before");
        }

        Assert.Equal(NotificationTopics.Operations, emergency.Topic);
        Assert.True(emergency.CreatedUtc - alerts[^1].CreatedUtc >= TimeSpan.FromSeconds(1));
        Assert.Equal(["acknowledge:ed-attending", "acknowledge:ed-charge", "acknowledge:ops-desk", "acknowledge:ops-manager"], emergency.Links.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("EMERGENCY", emergency.Reason, StringComparison.Ordinal);

        Assert.Equal((CriticalResultOutcome.Unacknowledged, 4, true, false, (double?)null), (outcome.Status, outcome.Attempts, outcome.EmergencyAlerted, outcome.WithinTarget, outcome.SecondsToAcknowledge));
        var attempts = await _host.Records.ListAttemptsAsync("fast", study, "rep-1");
        Assert.Equal([1, 2, 3, 4, 5], attempts.Select(a => a.Attempt));
        Assert.Equal(CriticalRecipientKinds.Emergency, attempts[^1].RecipientKind);
        Assert.Equal(NotificationTopics.Operations, attempts[^1].Topic);
        Assert.Null(await _host.Records.ReadAcknowledgmentAsync("fast", study, "rep-1"));
        Assert.Equal(4, _host.Audit(study).Count(r => r.Action == "critical-result.alerted"));
        Assert.Contains(_host.Audit(study), r => r.Action == "critical-result.completed" && r.Purpose == "rep-1:unacknowledged:open");
    }

    [Fact]
    public async Task An_orange_result_waits_the_orange_timeout()
    {
        var study = _host.NewStudy("fast", "ref-ed");
        await _host.StartLoopAsync(CriticalResultHost.Request("fast", study, severity: "ORANGE"));
        var first = await _host.WaitForAsync(study, NotificationKinds.CriticalResult, "ed-attending");
        var second = await _host.WaitForAsync(study, NotificationKinds.CriticalResult, "ed-charge");

        Assert.Equal(CriticalSeverities.Orange, first.Severity);
        Assert.Equal(TimeSpan.FromSeconds(2), first.DeadlineUtc!.Value - first.CreatedUtc);
        Assert.True(second.CreatedUtc - first.CreatedUtc >= TimeSpan.FromSeconds(2));
        await _host.Client.TerminateInstanceAsync(CriticalResult.InstanceId("fast", study, "rep-1"));
    }

    [Fact]
    public async Task Someone_alerted_earlier_may_still_acknowledge_after_the_escalation_and_it_counts_as_late()
    {
        var study = _host.NewStudy("fast", "ref-ed");
        await _host.StartLoopAsync(CriticalResultHost.Request("fast", study));
        var first = await _host.WaitForAsync(study, NotificationKinds.CriticalResult, "ed-attending");
        await _host.WaitForAsync(study, NotificationKinds.CriticalResult, "ed-charge");

        var result = await _host.Acknowledgments().AcknowledgeAsync(Ack(first), _host.Gateway);

        Assert.Equal(AcknowledgeResult.Acknowledged, result.Status);
        var outcome = await _host.OutcomeAsync("fast", study);
        Assert.Equal((CriticalResultOutcome.Acknowledged, "ed-attending", CriticalRecipientKinds.Clinician, false), (outcome.Status, outcome.AcknowledgedBy, outcome.AcknowledgedByKind, outcome.WithinTarget));
        Assert.True(outcome.SecondsToAcknowledge > outcome.TargetSeconds);
        Assert.DoesNotContain(_host.Sent(study), n => n.Kind == NotificationKinds.CriticalResultUnacknowledged);
    }

    [Fact]
    public async Task After_the_emergency_operations_records_a_phone_read_back_and_the_metrics_take_it()
    {
        var study = _host.NewStudy("fast", "ref-ed");
        await _host.StartLoopAsync(CriticalResultHost.Request("fast", study));
        var emergency = await _host.WaitForAsync(study, NotificationKinds.CriticalResultUnacknowledged, seconds: 30);
        Assert.Equal(CriticalResultOutcome.Unacknowledged, (await _host.OutcomeAsync("fast", study)).Status);

        // Operations phones the on-call clinician, who reads the result back; operations records it with that person's link.
        var link = emergency.Links["acknowledge:ed-charge"];
        var result = await _host.Acknowledgments().AcknowledgeAsync(new AcknowledgeRequest(CriticalResultHost.TokenOf(link), "ed-charge", AcknowledgmentMethods.PhoneReadBack, RecordedBy: "ops-desk"), _host.Gateway);

        Assert.Equal(AcknowledgeResult.Acknowledged, result.Status);
        var stored = await _host.Records.ReadAcknowledgmentAsync("fast", study, "rep-1");
        Assert.Equal(("ed-charge", CriticalRecipientKinds.OnCall, AcknowledgmentMethods.PhoneReadBack, "ops-desk"), (stored!.RecipientId, stored.RecipientKind, stored.Method, stored.RecordedBy));
        var (_, metrics) = (await _host.Records.FindOutcomeAsync("fast", study, "rep-1"))!.Value;
        Assert.Equal((CriticalResultOutcome.Acknowledged, true, false, "ed-charge"), (metrics.Status, metrics.EmergencyAlerted, metrics.WithinTarget, metrics.AcknowledgedBy));
        Assert.Contains(_host.Audit(study), r => r.Action == "critical-result.acknowledged" && r.Actor == "ed-charge" && r.Purpose == "rep-1:phone-read-back:recorded-by:ops-desk");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, await _host.StatusAsync(CriticalResult.InstanceId("fast", study, "rep-1")));
    }

    [Fact]
    public async Task Acknowledging_twice_is_harmless_the_first_acknowledgment_stands()
    {
        var study = _host.NewStudy("slow", "ref-slow");
        await _host.StartLoopAsync(CriticalResultHost.Request("slow", study));
        var alert = await _host.WaitForAsync(study, NotificationKinds.CriticalResult, "slow-clinician");
        var handler = _host.Acknowledgments();

        var first = await handler.AcknowledgeAsync(Ack(alert), _host.Gateway);
        var outcome = await _host.OutcomeAsync("slow", study, seconds: 10);
        var again = await handler.AcknowledgeAsync(Ack(alert), _host.Gateway);
        var phoned = await handler.AcknowledgeAsync(Ack(alert, method: AcknowledgmentMethods.PhoneReadBack, recordedBy: "ops-desk"), _host.Gateway);

        Assert.Equal(AcknowledgeResult.Acknowledged, first.Status);
        Assert.Equal(AcknowledgeResult.AlreadyAcknowledged, again.Status);
        Assert.Equal(AcknowledgeResult.AlreadyAcknowledged, phoned.Status);
        Assert.Equal(first.Acknowledgment, again.Acknowledgment);
        Assert.Equal(first.Acknowledgment, phoned.Acknowledgment);
        Assert.Equal(AcknowledgmentMethods.Link, (await _host.Records.ReadAcknowledgmentAsync("slow", study, "rep-1"))!.Method);
        var (_, metrics) = (await _host.Records.FindOutcomeAsync("slow", study, "rep-1"))!.Value;
        Assert.Equal(outcome, metrics);
        Assert.Equal(2, _host.Audit(study).Count(r => r.Action == "critical-result.acknowledgment-repeated"));
    }

    [Fact]
    public async Task A_duplicate_start_never_makes_a_second_loop_nor_restarts_an_ended_one()
    {
        var study = _host.NewStudy("slow", "ref-slow");
        var request = CriticalResultHost.Request("slow", study);

        var starts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _host.StartLoopAsync(request)));

        Assert.Single(starts, s => s.Started);
        Assert.All(starts, s => Assert.Equal(CriticalResult.InstanceId("slow", study, "rep-1"), s.InstanceId));
        var alert = await _host.WaitForAsync(study, NotificationKinds.CriticalResult, "slow-clinician");
        await _host.Acknowledgments().AcknowledgeAsync(Ack(alert), _host.Gateway);
        await _host.OutcomeAsync("slow", study, seconds: 10);

        Assert.False((await _host.StartLoopAsync(request)).Started); // a redelivery after the end: still the one loop
        await Task.Delay(300);
        Assert.Single(_host.Sent(study));
        Assert.Single(_host.Audit(study), r => r.Action == "critical-result.started");
        var instances = _host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "critical-slow-" + study });
        var count = 0;
        await foreach (var _ in instances)
        {
            count++;
        }

        Assert.Equal(1, count);
    }

    [Fact]
    public async Task A_study_without_a_known_referrer_goes_to_the_operations_alert_contacts()
    {
        var study = _host.NewStudy("fast", referrer: null);
        await _host.StartLoopAsync(CriticalResultHost.Request("fast", study));

        var alert = await _host.WaitForAsync(study, NotificationKinds.CriticalResult);
        Assert.Equal(("ops-desk", CriticalRecipientKinds.Operations), (alert.RecipientId, alert.RecipientKind));
        await _host.WaitForAsync(study, NotificationKinds.CriticalResultUnacknowledged);
        var outcome = await _host.OutcomeAsync("fast", study);
        Assert.Null(outcome.ReferrerId);
        Assert.Equal(1, outcome.Attempts);
    }

    [Fact]
    public async Task Only_a_radiologists_report_starts_a_loop()
    {
        var study = _host.NewStudy("fast", "ref-ed");
        await Assert.ThrowsAsync<ArgumentException>(() => _host.StartLoopAsync(CriticalResultHost.Request("fast", study) with { RadiologistId = "" }));
        await Assert.ThrowsAsync<ArgumentException>(() => _host.StartLoopAsync(CriticalResultHost.Request("fast", study, reportId: "../other")));
        Assert.Null(await _host.StatusAsync(CriticalResult.InstanceId("fast", study, "rep-1")));
        Assert.Empty(_host.Sent(study));
    }
}
