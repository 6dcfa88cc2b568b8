using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Telerad.Ingestion;
using Telerad.Ingestion.Tests;
using Telerad.Notifications;
using Telerad.Reading.Worklist;
using Telerad.Storage;
using static Telerad.Workflow.Tests.ReadingTestConfiguration;

namespace Telerad.Workflow.Tests;

/// <summary>
/// The reading workflow wired as the hosts wire it: StartReading from a study summary, ReadStudyV1 on the real Durable
/// Task engine (in-process host, times compressed), the assignment engine over a validated configuration and the
/// worklist projection, and the reading API's handlers (accept by signed link, decline, report, worklist, status and
/// timeline, operations' reassignment). Notifications are recorded in memory: Service Bus cannot run here and the
/// Azurite queue transport has its own tests.
/// </summary>
public sealed class ReadingWorkflowTests : IAsyncLifetime
{
    private readonly InMemoryObjectStore _store = new();
    private readonly InMemoryNotificationPublisher _published = new();
    private readonly InMemoryAuditTrail _audit = new();
    private readonly InMemoryReadingWorklist _worklist = new();
    private readonly DeferredGateway _gateway = new();
    private readonly ScriptedReportDelivery _delivery = new();
    private readonly LinkSigningKeys _keys = LinkSigningKeys.Generate();
    private DurableTaskTestHost _host = null!;
    private ReadingStarter _starter = null!;
    private ReadingApi _api = null!;

    private static readonly ReadingCaller NeuroCaller = new() { UserId = Neuro, Development = true };
    private static readonly ReadingCaller Neuro2Caller = new() { UserId = Neuro2, Development = true };
    private static readonly ReadingCaller OperationsCaller = new() { UserId = Operations, Development = true };

    public async Task InitializeAsync()
    {
        var clock = TimeProvider.System;
        var configuration = new ReadingConfigurationProvider(Store(), clock, NullLogger<ReadingConfigurationProvider>.Instance);
        var tokens = new LinkTokens(_keys, clock);
        var links = new StudyLinks(tokens, new StudyLinkOptions { ApiBaseUrl = "http://127.0.0.1:7071/api" }, clock);
        var activities = new ReadingActivities(new ConfiguredReaderAssigner(configuration, _worklist, clock), _published, links, _audit, _store, _worklist, new DeliveryRetryPolicy(), clock);
        var retry = new StudyAssemblyOptions { MaxAttempts = 2, FirstRetryInterval = TimeSpan.FromMilliseconds(100), MaxRetryInterval = TimeSpan.FromSeconds(1) };
        _starter = new ReadingStarter(configuration, _worklist, _store, _published, _audit, retry, clock, NullLogger<ReadingStarter>.Instance);
        _api = new ReadingApi(configuration, _worklist, _audit, _audit, tokens, _store, activities, clock, NullLogger<ReadingApi>.Instance);
        _host = await DurableTaskTestHost.StartAsync(r => r.AddTeleradWorkflows(), new DurableTaskTestHostOptions
        {
            Port = Telerad.Dicom.Tests.FreeTcpPort.Next(),
            ConfigureServices = services =>
            {
                services.AddSingleton(activities);
                services.AddSingleton(new ResultsActivities(_delivery, _published, _audit, _store, clock));
                services.AddSingleton(_starter);
                services.AddSingleton<IOrchestrationGateway>(_gateway);
            },
        });
        _gateway.Inner = new DurableTaskClientGateway(_host.Client);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_summarised_study_is_assigned_by_the_rules_accepted_by_link_reported_and_handed_to_results()
    {
        var study = await SummariseAsync(bodyPart: "HEAD");
        Assert.Equal(StartReadingResult.Started, (await _starter.StartAsync(new StartReadingRequest(Tenant, study), _gateway)).Outcome);
        Assert.Equal(StartReadingResult.AlreadyStarted, (await _starter.StartAsync(new StartReadingRequest(Tenant, study), _gateway)).Outcome);

        // CT HEAD is neuro: both neuroradiologists are eligible and equally loaded; the id breaks the tie.
        var offer = await WaitForAsync(study, NotificationKinds.AssignmentOffered, Neuro);
        var row = await RowAsync(study, WorklistStatus.Offered);
        Assert.Equal(Neuro, row.RadiologistId);
        Assert.Equal(MainFacility, row.FacilityId);

        // Someone else cannot accept it, even with the right link.
        var token = TokenOf(offer.Links[LinkActions.Accept]);
        Assert.Equal(403, (await _api.AcceptAsync(Neuro2Caller, Tenant, study, token, _gateway)).StatusCode);
        Assert.Equal(202, (await _api.AcceptAsync(NeuroCaller, Tenant, study, token, _gateway)).StatusCode);
        await RowAsync(study, WorklistStatus.Accepted);

        var report = new ReportSubmission { Kind = ReadingEvent.Final, Findings = "Acute hyperdensity, right frontal lobe.", Impression = "Intraparenchymal haemorrhage." };
        Assert.Equal(403, (await _api.SubmitReportAsync(Neuro2Caller, Tenant, study, report, _gateway)).StatusCode);
        Assert.Equal(202, (await _api.SubmitReportAsync(NeuroCaller, Tenant, study, report, _gateway)).StatusCode);

        var done = await _host.Client.WaitForInstanceCompletionAsync(ReadStudy.InstanceId(Tenant, study), getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(ReadingOutcome.Reported, done.ReadOutputAs<ReadingOutcome>()!.Status);
        Assert.Contains(new ObjectRef(Containers.Deidentified, $"{Tenant}/{study}/results/final-final.json"), _store.Names);
        Assert.Equal(WorklistStatus.Reported, (await RowAsync(study, WorklistStatus.Reported)).Status);

        // A client retrying the same final is told it is in; a different final is a conflict; an addendum goes straight to results.
        Assert.Equal(409, (await _api.SubmitReportAsync(NeuroCaller, Tenant, study, report with { Impression = "changed" }, _gateway)).StatusCode);
        var addendum = new ReportSubmission { Kind = ReadingEvent.Addendum, Impression = "Compared with outside CT: new since then." };
        Assert.Equal(202, (await _api.SubmitReportAsync(NeuroCaller, Tenant, study, addendum, _gateway)).StatusCode);
        Assert.Contains(new ObjectRef(Containers.Deidentified, $"{Tenant}/{study}/results/addendum-1-addendum.json"), _store.Names);

        // The timeline holds every decision and action, in order.
        var answer = await _api.StudyAsync(NeuroCaller, Tenant, study);
        Assert.Equal(200, answer.StatusCode);
        var actions = JsonSerializer.SerializeToElement(answer.Body).GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        var expectedOrder = new[] { "reading.started", "reading.priority", "reading.assigned", "api.accept", "reading.accepted", "api.report", "reading.report" };
        Assert.Equal(expectedOrder, actions.Where(expectedOrder.Contains).Distinct());
        Assert.Contains("api.accept", actions.Where(a => a!.StartsWith("api.", StringComparison.Ordinal))); // the refused attempt is there too (denied)
        Assert.Contains(_audit.All, r => r.TargetId == study && r.Actor == Neuro2 && r.Outcome == Telerad.Auditing.AuditOutcome.Denied);

        // The assignment's explanation names every candidate and why the general radiologist was not chosen.
        var explanation = Encoding(_store.Bytes(new ObjectRef(Containers.Audit, $"{Tenant}/reading/{study}/assignment-1.json")));
        Assert.Contains(Neuro2, explanation, StringComparison.Ordinal);
        Assert.Contains(General, explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forged_expired_and_foreign_link_tokens_are_refused_with_their_reason()
    {
        var study = await StartedAsync("HEAD");
        var offer = await WaitForAsync(study, NotificationKinds.AssignmentOffered, Neuro);
        var genuine = TokenOf(offer.Links[LinkActions.Accept]);
        var tokens = new LinkTokens(_keys, TimeProvider.System);

        // One character inside the signature changed (not the last: its low bits are padding, and a changed padding bit
        // makes the token malformed rather than forged).
        var forged = genuine[..^10] + (genuine[^10] == 'A' ? 'B' : 'A') + genuine[^9..];
        var expired = tokens.Issue(new LinkClaims(Tenant, study, Neuro, LinkActions.Accept, DateTimeOffset.UtcNow.AddMinutes(-1)));
        var otherKey = new LinkTokens(LinkSigningKeys.Generate("k1"), TimeProvider.System).Issue(new LinkClaims(Tenant, study, Neuro, LinkActions.Accept, DateTimeOffset.UtcNow.AddHours(1)));
        var declineLink = TokenOf(offer.Links[LinkActions.Decline]);
        var othersStudy = tokens.Issue(new LinkClaims(Tenant, "2.25.1", Neuro, LinkActions.Accept, DateTimeOffset.UtcNow.AddHours(1)));
        var otherTenant = tokens.Issue(new LinkClaims("hospital-b", study, Neuro, LinkActions.Accept, DateTimeOffset.UtcNow.AddHours(1)));

        foreach (var (token, code) in new[] { (forged, "bad-signature"), (expired, "expired"), (otherKey, "bad-signature"), (declineLink, "wrong-action"), (othersStudy, "wrong-study"), (otherTenant, "wrong-study") })
        {
            var refused = await _api.AcceptAsync(NeuroCaller, Tenant, study, token, _gateway);
            Assert.Equal(403, refused.StatusCode);
            Assert.Equal(ReadingApiErrors.LinkPrefix + code, ((ReadingApiError)refused.Body).Error);
        }

        // Nothing was accepted.
        Assert.Equal(WorklistStatus.Offered, (await _worklist.GetAsync(Tenant, study))!.Status);
        Assert.Equal(6, _audit.All.Count(r => r.TargetId == study && r.Action == "api.link-refused"));
    }

    [Fact]
    public async Task An_ai_critical_study_reads_as_stat_and_tops_the_worklist()
    {
        var routine = await StartedAsync("HEAD");
        await WaitForAsync(routine, NotificationKinds.AssignmentOffered, Neuro);
        var flagged = await StartedAsync("HEAD", upgrade: new PriorityUpgrade(PriorityUpgrade.Stat, "ai-critical:intracranial-hyperdensity"));

        // STAT goes to the least loaded reader: Neuro holds the routine study, so Neuro2 gets the flagged one.
        await WaitForAsync(flagged, NotificationKinds.AssignmentOffered, Neuro2);
        var row = await RowAsync(flagged, WorklistStatus.Offered);
        Assert.Equal((ReadingPriorities.Stat, "ai-critical-upgrade", true), (row.Priority, row.PriorityReason, row.AiFlagged));

        // Operations' view of every open study: the AI-flagged STAT first.
        var all = JsonSerializer.SerializeToElement((await _api.WorklistAsync(OperationsCaller)).Body).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("StudyKey").GetString()).ToList();
        Assert.Equal([flagged, routine], all.Where(s => s == flagged || s == routine));

        // A radiologist sees only their own; another's worklist is refused.
        var mine = JsonSerializer.SerializeToElement((await _api.WorklistAsync(NeuroCaller)).Body).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("StudyKey").GetString()).ToList();
        Assert.Contains(routine, mine);
        Assert.DoesNotContain(flagged, mine);
        Assert.Equal(403, (await _api.WorklistAsync(NeuroCaller, Neuro2)).StatusCode);
    }

    [Fact]
    public async Task Decline_goes_to_the_next_reader_and_operations_can_reassign_by_hand()
    {
        var study = await StartedAsync("HEAD");
        await WaitForAsync(study, NotificationKinds.AssignmentOffered, Neuro);
        Assert.Equal(202, (await _api.DeclineAsync(NeuroCaller, Tenant, study, null, _gateway)).StatusCode);
        await WaitForAsync(study, NotificationKinds.AssignmentOffered, Neuro2);
        Assert.Equal(Neuro2, (await RowAsync(study, WorklistStatus.Offered, Neuro2)).RadiologistId);

        // A radiologist cannot reassign; operations can, to anyone configured (the rules' view is recorded with it).
        Assert.Equal(403, (await _api.ReassignAsync(Neuro2Caller, Tenant, study, General, _gateway)).StatusCode);
        Assert.Equal(400, (await _api.ReassignAsync(OperationsCaller, Tenant, study, "rad-nobody", _gateway)).StatusCode);
        Assert.Equal(202, (await _api.ReassignAsync(OperationsCaller, Tenant, study, General, _gateway)).StatusCode);
        await WaitForAsync(study, NotificationKinds.AssignmentOffered, General);
        await WaitForAsync(study, NotificationKinds.AssignmentWithdrawn, Neuro2);
        var explanation = Encoding(_store.Bytes(new ObjectRef(Containers.Audit, $"{Tenant}/reading/{study}/assignment-3.json")));
        Assert.Contains("operations chose rad-general", explanation, StringComparison.Ordinal);

        // Operations cancels: the reading stops cleanly.
        Assert.Equal(202, (await _api.CancelAsync(OperationsCaller, Tenant, study, _gateway)).StatusCode);
        await RowAsync(study, WorklistStatus.Cancelled);
    }

    [Fact]
    public async Task Nobody_eligible_alerts_operations_with_the_reasons()
    {
        var study = await StartedAsync("HEAD", facility: OrphanFacility);
        var alert = await WaitForAsync(study, NotificationKinds.NoEligibleRadiologist, null);
        Assert.Equal(NotificationTopics.Operations, alert.Topic);
        Assert.Contains("not-credentialed", alert.Reason, StringComparison.Ordinal);
        Assert.Equal(WorklistStatus.Unassigned, (await _worklist.GetAsync(Tenant, study))!.Status);
    }

    [Fact]
    public async Task A_tenant_without_reading_configuration_is_refused_loudly_not_dropped()
    {
        var study = await SummariseAsync("HEAD", tenant: "hospital-z");
        var result = await _starter.StartAsync(new StartReadingRequest("hospital-z", study), _gateway);
        Assert.Equal((StartReadingResult.NotStarted, StartReadingResult.TenantNotConfigured), (result.Outcome, result.Code));
        var alert = Assert.Single(_published.All, n => n.StudyKey == study);
        Assert.Equal((NotificationKinds.ReadingNotStarted, NotificationTopics.Operations), (alert.Kind, alert.Topic));
        Assert.Contains(_audit.All, r => r.TargetId == study && r.Action == "reading.not-started" && r.Outcome == Telerad.Auditing.AuditOutcome.Denied);
        Assert.False((await _gateway.GetStateAsync(ReadStudy.InstanceId("hospital-z", study))).Exists);
    }

    [Fact]
    public async Task Reports_are_validated_and_a_preliminary_is_only_for_stat()
    {
        var study = await StartedAsync("HEAD");
        var offer = await WaitForAsync(study, NotificationKinds.AssignmentOffered, Neuro);
        Assert.Equal(202, (await _api.AcceptAsync(NeuroCaller, Tenant, study, TokenOf(offer.Links[LinkActions.Accept]), _gateway)).StatusCode);
        await RowAsync(study, WorklistStatus.Accepted);

        Assert.Equal(400, (await _api.SubmitReportAsync(NeuroCaller, Tenant, study, new ReportSubmission { Kind = "draft", Impression = "x", Findings = "y" }, _gateway)).StatusCode);
        Assert.Equal(400, (await _api.SubmitReportAsync(NeuroCaller, Tenant, study, new ReportSubmission { Kind = ReadingEvent.Final, Impression = "x", Findings = "y", Critical = true }, _gateway)).StatusCode);
        Assert.Equal(400, (await _api.SubmitReportAsync(NeuroCaller, Tenant, study, null, _gateway)).StatusCode);
        var prelim = await _api.SubmitReportAsync(NeuroCaller, Tenant, study, new ReportSubmission { Kind = ReadingEvent.Preliminary, Impression = "x", Findings = "y" }, _gateway);
        Assert.Equal((409, ReadingApiErrors.WrongState), (prelim.StatusCode, ((ReadingApiError)prelim.Body).Error));
        Assert.Equal(409, (await _api.SubmitReportAsync(NeuroCaller, Tenant, study, new ReportSubmission { Kind = ReadingEvent.Addendum, Impression = "x" }, _gateway)).StatusCode);
        Assert.DoesNotContain(_store.Names, n => n.Name.Contains("/reports/", StringComparison.Ordinal) && n.Name.Contains(study, StringComparison.Ordinal));
    }

    private async Task<string> StartedAsync(string bodyPart, PriorityUpgrade? upgrade = null, string facility = MainFacility)
    {
        var study = await SummariseAsync(bodyPart, upgrade: upgrade, facility: facility);
        Assert.Equal(StartReadingResult.Started, (await _starter.StartAsync(new StartReadingRequest(Tenant, study), _gateway)).Outcome);
        return study;
    }

    /// <summary>Writes the study summary StudyAssembly would have published.</summary>
    private async Task<string> SummariseAsync(string bodyPart, string tenant = Tenant, PriorityUpgrade? upgrade = null, string facility = MainFacility)
    {
        var study = "2.25." + Random.Shared.NextInt64(1, long.MaxValue);
        var summary = new StudySummary
        {
            Tenant = tenant,
            StudyKey = study,
            Modalities = ["CT"],
            BodyPartExamined = bodyPart,
            Series = [new SeriesSummary("2.25.7", "CT", 30, 30 * 525_000)],
            OrderPriority = "ROUTINE",
            FacilityId = facility,
            PriorityUpgrade = upgrade,
        };
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(summary, WorkflowJsonContext.Default.StudySummary));
        await _store.WriteAsync(new ObjectRef(Containers.Deidentified, $"{tenant}/{study}/summary.json"), content);
        return study;
    }

    private async Task<ReadingWorklistEntry> RowAsync(string study, string status, string? reader = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var row = await _worklist.GetAsync(Tenant, study);
            if (row is not null && row.Status == status && (reader is null || row.RadiologistId == reader))
            {
                return row;
            }

            Assert.True(DateTime.UtcNow < deadline, $"worklist row is {row?.Status}/{row?.RadiologistId}, expected {status}");
            await Task.Delay(50);
        }
    }

    private async Task<Notification> WaitForAsync(string study, string kind, string? radiologist)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var found = _published.All.FirstOrDefault(n => n.StudyKey == study && n.Kind == kind && n.RadiologistId == radiologist);
            if (found is not null)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no {kind} for {radiologist ?? "operations"}; sent: {string.Join(", ", _published.All.Where(n => n.StudyKey == study).Select(n => $"{n.Kind}/{n.RadiologistId}"))}");
            await Task.Delay(50);
        }
    }

    private static string TokenOf(string url) => Uri.UnescapeDataString(url[(url.LastIndexOf('=') + 1)..]);

    private static string Encoding(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);


    /// <summary>The activities are built before the host's client exists: the gateway is filled in once it does.</summary>
    private sealed class DeferredGateway : IOrchestrationGateway
    {
        public IOrchestrationGateway? Inner { get; set; }

        private IOrchestrationGateway Gateway => Inner ?? throw new InvalidOperationException("the host has not started");

        public Task<(bool Exists, bool Running)> GetStateAsync(string instanceId, CancellationToken cancellationToken = default) => Gateway.GetStateAsync(instanceId, cancellationToken);

        public Task StartAsync(string orchestratorName, string instanceId, object input, CancellationToken cancellationToken = default) => Gateway.StartAsync(orchestratorName, instanceId, input, cancellationToken);

        public Task RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default) => Gateway.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);
    }
}
