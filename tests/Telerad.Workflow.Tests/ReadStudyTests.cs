using System.Collections.Concurrent;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Telerad.Auditing;
using Telerad.Dicom.Tests;
using Telerad.Ingestion;
using Telerad.Ingestion.Tests;
using Telerad.Notifications;
using Telerad.Reading.Worklist;

namespace Telerad.Workflow.Tests;

/// <summary>
/// ReadStudyV1 on the real Durable Task engine (in-process host) with times compressed to seconds. The assignment
/// engine is scripted here (a candidate list; the engine itself has its own exhaustive tests) and notifications are
/// recorded in memory (the transports are tested on Azurite and with a Service Bus stand-in); audit records go to a
/// real JSON-lines audit log, hand-offs to the in-memory object store.
/// </summary>
public sealed class ReadStudyTests : IAsyncLifetime
{
    private readonly InMemoryObjectStore _store = new();
    private readonly InMemoryNotificationPublisher _published = new();
    private readonly ScriptedAssigner _assigner = new();
    private readonly string _auditPath = Path.Combine(TestData.NewScratchDirectory("read-study"), "audit.jsonl");
    private DurableTaskTestHost _host = null!;

    private static ReadingPolicy Policy(bool reassignOnBreach = false) => new()
    {
        Turnaround = new Dictionary<string, TimeSpan>
        {
            [ReadingPriorities.Stat] = TimeSpan.FromSeconds(6),
            [ReadingPriorities.Urgent] = TimeSpan.FromSeconds(8),
            [ReadingPriorities.Routine] = TimeSpan.FromSeconds(4),
        },
        AcceptReminderInterval = TimeSpan.FromSeconds(1),
        MaxSilentReminders = 1,
        WarningFraction = 0.5,
        ReassignOnBreach = reassignOnBreach,
        NoReaderRetryInterval = TimeSpan.FromSeconds(30),
        Retry = new StudyAssemblyOptions { MaxAttempts = 2, FirstRetryInterval = TimeSpan.FromMilliseconds(100), MaxRetryInterval = TimeSpan.FromSeconds(1) },
    };

    /// <summary>Picks the operations choice if there is one, else the first candidate not excluded.</summary>
    private sealed class ScriptedAssigner : IReaderAssigner
    {
        public List<string> Candidates { get; set; } = ["rad-1", "rad-2", "rad-3"];

        public ConcurrentQueue<AssignReaderRequest> Requests { get; } = new();

        public Task<AssignmentDecision> AssignAsync(AssignReaderRequest request, CancellationToken cancellationToken = default)
        {
            Requests.Enqueue(request);
            var chosen = request.Requested ?? Candidates.FirstOrDefault(c => !request.Excluded.Contains(c));
            return Task.FromResult(new AssignmentDecision(chosen, chosen is null ? "none-eligible" : "rank-1"));
        }
    }


    public async Task InitializeAsync()
    {
        var audit = new JsonLinesAuditLog(_auditPath);
        _host = await DurableTaskTestHost.StartAsync(r => r.AddTeleradWorkflows(), new DurableTaskTestHostOptions
        {
            Port = Telerad.Dicom.Tests.FreeTcpPort.Next(),
            ConfigureServices = services =>
            {
                var keys = LinkSigningKeys.Generate();
                services.AddSingleton(new ReadingActivities(
                    _assigner, _published, new StudyLinks(new LinkTokens(keys, TimeProvider.System), new StudyLinkOptions(), TimeProvider.System), audit, _store, new InMemoryReadingWorklist(), new DeliveryRetryPolicy(), TimeProvider.System));
                services.AddSingleton(new ResultsActivities(new ScriptedReportDelivery(), _published, audit, _store, TimeProvider.System));
                services.AddSingleton<IOrchestrationGateway>(_ => new DurableTaskClientGateway(_host.Client));
            },
        });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> StartAsync(string? order = "ROUTINE", PriorityUpgrade? upgrade = null, ReadingPolicy? policy = null)
    {
        var study = "2.25." + Random.Shared.NextInt64();
        await _host.Client.ScheduleNewOrchestrationInstanceAsync(ReadStudy.OrchestratorName, new ReadStudyInput("hospital-a", study, order, upgrade, policy ?? Policy()), new StartOrchestrationOptions(ReadStudy.InstanceId("hospital-a", study)));
        return study;
    }

    private Task RaiseAsync(string study, ReadingEvent evt) => _host.Client.RaiseEventAsync(ReadStudy.InstanceId("hospital-a", study), ReadStudy.EventName, evt);

    private async Task<Notification> WaitForAsync(string study, string kind, string? radiologist = null, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var found = _published.All.FirstOrDefault(n => n.StudyKey == study && n.Kind == kind && (radiologist is null || n.RadiologistId == radiologist));
            if (found is not null)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no {kind} for {radiologist ?? "operations"}; sent: {string.Join(", ", _published.All.Where(n => n.StudyKey == study).Select(n => $"{n.Kind}/{n.RadiologistId}"))}");
            await Task.Delay(50);
        }
    }

    private async Task<ReadingOutcome> OutcomeAsync(string study)
    {
        var done = await _host.Client.WaitForInstanceCompletionAsync(ReadStudy.InstanceId("hospital-a", study), getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
        return done.ReadOutputAs<ReadingOutcome>()!;
    }

    private IEnumerable<Notification> Sent(string study) => _published.All.Where(n => n.StudyKey == study);

    private List<AuditRecord> Audit(string study) => [.. JsonLinesAuditLog.ReadAll(_auditPath).Where(r => r.TargetId == study)];

    [Fact]
    public async Task Happy_path_offer_accept_final_report_handed_to_results()
    {
        var policy = Policy() with { Turnaround = new Dictionary<string, TimeSpan> { [ReadingPriorities.Stat] = TimeSpan.FromMinutes(30), [ReadingPriorities.Urgent] = TimeSpan.FromMinutes(60), [ReadingPriorities.Routine] = TimeSpan.FromMinutes(60) }, AcceptReminderInterval = TimeSpan.FromMinutes(5) };
        var study = await StartAsync(policy: policy);
        var offer = await WaitForAsync(study, NotificationKinds.AssignmentOffered, "rad-1");
        Assert.Equal(NotificationTopics.Radiologists, offer.Topic);
        Assert.Contains($"StudyInstanceUIDs={study}", offer.Links["viewer"], StringComparison.Ordinal);
        Assert.Contains("/accept?token=", offer.Links[LinkActions.Accept], StringComparison.Ordinal);

        await RaiseAsync(study, new ReadingEvent(ReadingEvent.Accept, "rad-1"));
        await RaiseAsync(study, new ReadingEvent(ReadingEvent.Report, "rad-1", ReadingEvent.Final, "rep-1"));
        var outcome = await OutcomeAsync(study);

        Assert.Equal((ReadingOutcome.Reported, "rad-1", ReadingPriorities.Routine, 1, false), (outcome.Status, outcome.RadiologistId, outcome.Priority, outcome.Assignments, outcome.Breached));
        Assert.Equal(["final:rep-1"], outcome.Reports);
        Assert.Contains(new ObjectRef(Containers.Deidentified, $"hospital-a/{study}/results/rep-1-final.json"), _store.Names);
        Assert.Contains(new ObjectRef(Containers.Audit, $"hospital-a/reading/{study}/assignment-1.json"), _store.Names);
        Assert.Equal(["reading.priority", "reading.assigned", "reading.notified", "reading.accepted", "reading.report"], Audit(study).Select(r => r.Action).Where(a => a.StartsWith("reading.", StringComparison.Ordinal)).Distinct());

        // The final report version went on to results delivery, once.
        var delivered = await _host.Client.WaitForInstanceCompletionAsync(DeliverReport.InstanceId("hospital-a", study, "rep-1", ReadingEvent.Final), getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        Assert.Equal(ReportDeliveryOutcome.Delivered, delivered.ReadOutputAs<DeliveryRecord>()!.Status);
        Assert.Single(Audit(study), r => r.Action == "results.delivered");
        Assert.Single(Sent(study)); // no reminder, no warning: the timers were cancelled
    }

    [Fact]
    public async Task A_silent_reader_is_reminded_then_the_study_goes_to_someone_else_never_back()
    {
        var study = await StartAsync(policy: Policy() with { Turnaround = new Dictionary<string, TimeSpan> { [ReadingPriorities.Stat] = TimeSpan.FromMinutes(1), [ReadingPriorities.Urgent] = TimeSpan.FromMinutes(1), [ReadingPriorities.Routine] = TimeSpan.FromMinutes(1) } });

        await WaitForAsync(study, NotificationKinds.Reminder, "rad-1");
        await WaitForAsync(study, NotificationKinds.AssignmentWithdrawn, "rad-1");
        var alert = await WaitForAsync(study, NotificationKinds.ReassignedAfterSilence);
        Assert.Equal(NotificationTopics.Operations, alert.Topic);
        await WaitForAsync(study, NotificationKinds.AssignmentOffered, "rad-2");
        Assert.Contains(_assigner.Requests, r => r.StudyKey == study && r.Assignment == 2 && r.Excluded.SequenceEqual(["rad-1"]));

        await RaiseAsync(study, new ReadingEvent(ReadingEvent.Accept, "rad-1")); // too late: not the assignee any more
        await RaiseAsync(study, new ReadingEvent(ReadingEvent.Accept, "rad-2"));
        await RaiseAsync(study, new ReadingEvent(ReadingEvent.Report, "rad-2", ReadingEvent.Final, "rep-2"));
        var outcome = await OutcomeAsync(study);
        Assert.Equal(("rad-2", 2), (outcome.RadiologistId, outcome.Assignments));
        Assert.Contains(Audit(study), r => r.Action == "reading.ignored" && r.Actor == "rad-1");
    }

    [Fact]
    public async Task Past_the_warning_the_reader_is_warned_and_at_the_breach_operations_is_alerted_and_waiting_goes_on()
    {
        var study = await StartAsync(order: "ROUTINE"); // 4 s turnaround: warning at 2 s, breach at 4 s
        await WaitForAsync(study, NotificationKinds.AssignmentOffered, "rad-1");
        await RaiseAsync(study, new ReadingEvent(ReadingEvent.Accept, "rad-1"));

        await WaitForAsync(study, NotificationKinds.SlaWarning, "rad-1");
        var breach = await WaitForAsync(study, NotificationKinds.SlaBreached);
        Assert.Equal(NotificationTopics.Operations, breach.Topic);
        await RaiseAsync(study, new ReadingEvent(ReadingEvent.Report, "rad-1", ReadingEvent.Final, "rep-3"));

        var outcome = await OutcomeAsync(study);
        Assert.True(outcome.Breached);
        Assert.Equal("rad-1", outcome.RadiologistId);
        Assert.Contains(Audit(study), r => r.Action == "reading.sla-breached" && r.Purpose == "escalated");
    }

    [Fact]
    public async Task After_the_breach_the_escalation_chain_is_walked_step_by_step_until_the_report_arrives()
    {
        // Routine: 4 s turnaround. The desk at the breach, the lead 2 s later, the director 60 s later (never reached).
        var policy = Policy() with { Escalation = [new("ops-desk", TimeSpan.Zero), new("lead-neuro", TimeSpan.FromSeconds(2)), new("medical-director", TimeSpan.FromSeconds(60))] };
        var study = await StartAsync(order: "ROUTINE", policy: policy);
        await WaitForAsync(study, NotificationKinds.AssignmentOffered, "rad-1");
        await RaiseAsync(study, new ReadingEvent(ReadingEvent.Accept, "rad-1"));

        await WaitForAsync(study, NotificationKinds.SlaBreached);
        var desk = await WaitForAsync(study, NotificationKinds.SlaEscalated);
        Assert.Equal(("ops-desk", NotificationTopics.Operations), (desk.ContactId, desk.Topic));
        var lead = await WaitForContactAsync(study, "lead-neuro");
        // Each step is due its delay after the deadline, not after the step before (a desk alerted late under load must
        // not push the lead back), so the lead's alert is measured from the deadline both carry.
        Assert.True(lead.CreatedUtc > desk.CreatedUtc, "the lead was alerted before the desk");
        Assert.Equal(desk.DeadlineUtc, lead.DeadlineUtc);
        var sinceDeadline = lead.CreatedUtc - lead.DeadlineUtc!.Value;
        Assert.True(sinceDeadline >= TimeSpan.FromSeconds(1.9), $"the lead was alerted {sinceDeadline.TotalSeconds:0.00} s after the deadline; its step is due 2 s after it");
        await RaiseAsync(study, new ReadingEvent(ReadingEvent.Report, "rad-1", ReadingEvent.Final, "rep-esc"));

        var outcome = await OutcomeAsync(study);
        Assert.True(outcome.Breached);
        Assert.Equal(["ops-desk", "lead-neuro"], Sent(study).Where(n => n.Kind == NotificationKinds.SlaEscalated).Select(n => n.ContactId));
        Assert.Equal(["step1:ops-desk", "step2:lead-neuro"], Audit(study).Where(r => r.Action == "reading.sla-escalated").Select(r => r.Purpose));
    }

    private async Task<Notification> WaitForContactAsync(string study, string contact)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (_published.All.FirstOrDefault(n => n.StudyKey == study && n.ContactId == contact) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{contact} was never alerted");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task With_reassignment_on_breach_the_study_moves_to_the_next_reader()
    {
        var study = await StartAsync(policy: Policy(reassignOnBreach: true));
        await WaitForAsync(study, NotificationKinds.AssignmentOffered, "rad-1");
        await RaiseAsync(study, new ReadingEvent(ReadingEvent.Accept, "rad-1"));

        await WaitForAsync(study, NotificationKinds.SlaBreached);
        await WaitForAsync(study, NotificationKinds.AssignmentWithdrawn, "rad-1");
        await WaitForAsync(study, NotificationKinds.AssignmentOffered, "rad-2");
        await RaiseAsync(study, new ReadingEvent(ReadingEvent.Cancel));
        Assert.Equal(ReadingOutcome.Cancelled, (await OutcomeAsync(study)).Status);
    }

    [Fact]
    public async Task Nobody_eligible_alerts_operations_at_once_and_their_choice_is_offered()
    {
        _assigner.Candidates = [];
        var study = await StartAsync();

        var alert = await WaitForAsync(study, NotificationKinds.NoEligibleRadiologist);
        Assert.Equal("none-eligible", alert.Reason);
        await RaiseAsync(study, new ReadingEvent(ReadingEvent.Assign, "rad-9"));
        await WaitForAsync(study, NotificationKinds.AssignmentOffered, "rad-9");
        Assert.Contains(_assigner.Requests, r => r.StudyKey == study && r.Requested == "rad-9");
        await RaiseAsync(study, new ReadingEvent(ReadingEvent.Cancel));
        Assert.Equal(ReadingOutcome.Cancelled, (await OutcomeAsync(study)).Status);
    }

    [Fact]
    public async Task An_ai_critical_flag_makes_a_routine_order_stat_with_the_reason_and_the_stat_deadline()
    {
        var before = DateTime.UtcNow;
        var study = await StartAsync(order: "ROUTINE", upgrade: new PriorityUpgrade(PriorityUpgrade.Stat, "AI critical finding intracranial-hyperdensity"));
        var offer = await WaitForAsync(study, NotificationKinds.AssignmentOffered, "rad-1");
        Assert.Equal(ReadingPriorities.Stat, offer.Priority);
        await RaiseAsync(study, new ReadingEvent(ReadingEvent.Cancel));

        var outcome = await OutcomeAsync(study);
        Assert.Equal((ReadingPriorities.Stat, "ai-critical-upgrade"), (outcome.Priority, outcome.PriorityReason));
        Assert.InRange(outcome.DeadlineUtc, before.AddSeconds(5), DateTime.UtcNow.AddSeconds(6)); // STAT: 6 s, not ROUTINE's 4 s
        Assert.Contains(Audit(study), r => r.Action == "reading.priority" && r.Purpose == "STAT:ai-critical-upgrade");
    }

    [Fact]
    public async Task A_decline_goes_to_the_next_reader_and_a_cancel_withdraws_and_stops_every_timer()
    {
        var study = await StartAsync(policy: Policy() with { Turnaround = new Dictionary<string, TimeSpan> { [ReadingPriorities.Stat] = TimeSpan.FromMinutes(1), [ReadingPriorities.Urgent] = TimeSpan.FromMinutes(1), [ReadingPriorities.Routine] = TimeSpan.FromMinutes(1) } });
        await WaitForAsync(study, NotificationKinds.AssignmentOffered, "rad-1");
        await RaiseAsync(study, new ReadingEvent(ReadingEvent.Decline, "rad-1"));
        await WaitForAsync(study, NotificationKinds.AssignmentOffered, "rad-2");

        await RaiseAsync(study, new ReadingEvent(ReadingEvent.Cancel));
        var outcome = await OutcomeAsync(study);
        Assert.Equal(ReadingOutcome.Cancelled, outcome.Status);
        await WaitForAsync(study, NotificationKinds.AssignmentWithdrawn, "rad-2");
        var count = Sent(study).Count();
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // two reminder intervals: nothing more may come
        Assert.Equal(count, Sent(study).Count());
        Assert.DoesNotContain(Sent(study), n => n.Kind == NotificationKinds.Reminder && n.RadiologistId == "rad-2");
    }

    [Fact]
    public async Task A_preliminary_report_counts_for_stat_only()
    {
        var routine = await StartAsync(order: "ROUTINE", policy: Policy() with { Turnaround = new Dictionary<string, TimeSpan> { [ReadingPriorities.Stat] = TimeSpan.FromMinutes(1), [ReadingPriorities.Urgent] = TimeSpan.FromMinutes(1), [ReadingPriorities.Routine] = TimeSpan.FromMinutes(1) } });
        var stat = await StartAsync(order: "STAT", policy: Policy() with { Turnaround = new Dictionary<string, TimeSpan> { [ReadingPriorities.Stat] = TimeSpan.FromMinutes(1), [ReadingPriorities.Urgent] = TimeSpan.FromMinutes(1), [ReadingPriorities.Routine] = TimeSpan.FromMinutes(1) } });
        foreach (var study in new[] { routine, stat })
        {
            await WaitForAsync(study, NotificationKinds.AssignmentOffered, "rad-1");
            await RaiseAsync(study, new ReadingEvent(ReadingEvent.Accept, "rad-1"));
            await RaiseAsync(study, new ReadingEvent(ReadingEvent.Report, "rad-1", ReadingEvent.Preliminary, "p-1"));
            await RaiseAsync(study, new ReadingEvent(ReadingEvent.Report, "rad-1", ReadingEvent.Final, "f-1"));
        }

        Assert.Equal(["final:f-1"], (await OutcomeAsync(routine)).Reports);
        Assert.Contains(Audit(routine), r => r.Action == "reading.report-refused");
        Assert.Equal(["preliminary:p-1", "final:f-1"], (await OutcomeAsync(stat)).Reports);
    }
}
