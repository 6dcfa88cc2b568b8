using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Telerad.Ingestion.Tests;
using Telerad.Notifications;
using Telerad.Storage;

namespace Telerad.Workflow.Tests;

/// <summary>
/// DeliverReportV1 on the in-process Durable Task engine with round delays compressed to a fraction of a second. The
/// FHIR side is scripted (Telerad.Fhir is tested against a real FHIR server); the outcome records, the operations
/// alert and the audit are real, in memory.
/// </summary>
public sealed class DeliverReportTests : IAsyncLifetime
{
    private readonly InMemoryObjectStore _store = new();
    private readonly InMemoryNotificationPublisher _published = new();
    private readonly InMemoryAuditTrail _audit = new();
    private readonly ScriptedReportDelivery _delivery = new();
    private DurableTaskTestHost _host = null!;

    private static readonly DeliveryRetryPolicy Policy = new()
    {
        MaxRounds = 3,
        FirstRoundDelay = TimeSpan.FromMilliseconds(200),
        MaxRoundDelay = TimeSpan.FromMilliseconds(400),
        ActivityRetry = new StudyAssemblyOptions { MaxAttempts = 2, FirstRetryInterval = TimeSpan.FromMilliseconds(100), MaxRetryInterval = TimeSpan.FromSeconds(1) },
    };

    public async Task InitializeAsync() =>
        _host = await DurableTaskTestHost.StartAsync(r => r.AddTeleradWorkflows(), new DurableTaskTestHostOptions
        {
            Port = Telerad.Dicom.Tests.FreeTcpPort.Next(),
            ConfigureServices = services => services.AddSingleton(new ResultsActivities(_delivery, _published, _audit, _store, TimeProvider.System)),
        });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<DeliveryRecord> DeliverAsync(string report, bool again = false)
    {
        var input = new DeliverReportInput("hospital-a", "2.25.42", report, ReadingEvent.Final, Policy);
        Assert.True(await ResultsActivities.StartAsync(new DurableTaskClientGateway(_host.Client), input, again));
        var done = await _host.Client.WaitForInstanceCompletionAsync(DeliverReport.InstanceId("hospital-a", "2.25.42", report, ReadingEvent.Final), getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        return done.ReadOutputAs<DeliveryRecord>()!;
    }

    private bool Recorded(string report, string status) =>
        _store.Names.Contains(new ObjectRef(Containers.Deidentified, DeliverReport.OutcomeObject("hospital-a", "2.25.42", report, ReadingEvent.Final, status)));

    [Fact]
    public async Task Delivered_at_once_is_recorded_and_audited_without_an_alert()
    {
        var record = await DeliverAsync("r-ok");
        Assert.Equal((ReportDeliveryOutcome.Delivered, 1), (record.Status, record.Rounds));
        Assert.True(Recorded("r-ok", ReportDeliveryOutcome.Delivered));
        Assert.Empty(_published.All);
        Assert.Single(_audit.All, r => r.Action == "results.delivered" && r.Purpose.StartsWith("r-ok:", StringComparison.Ordinal));

        // Started again while done: nothing happens (a replayed hand-off does not send twice).
        Assert.False(await ResultsActivities.StartAsync(new DurableTaskClientGateway(_host.Client), new DeliverReportInput("hospital-a", "2.25.42", "r-ok", ReadingEvent.Final, Policy)));
        Assert.Single(_delivery.Requests, r => r.ReportId == "r-ok");
    }

    [Fact]
    public async Task Transient_failures_are_retried_in_rounds_until_delivered()
    {
        _delivery.Script("r-flaky", new(ReportDeliveryOutcome.Retryable, "503", 503), new(ReportDeliveryOutcome.Retryable, "timeout"), new(ReportDeliveryOutcome.Delivered, "201", 200));
        var record = await DeliverAsync("r-flaky");
        Assert.Equal((ReportDeliveryOutcome.Delivered, 3), (record.Status, record.Rounds));
        Assert.Equal([1, 2, 3], _delivery.Requests.Where(r => r.ReportId == "r-flaky").Select(r => r.Round));
        Assert.Empty(_published.All);
    }

    [Fact]
    public async Task A_permanent_refusal_is_dead_lettered_with_an_operations_alert_and_can_be_retried()
    {
        _delivery.Script("r-bad", new(ReportDeliveryOutcome.Permanent, "invalid", 400, ["invalid", "required"]), new(ReportDeliveryOutcome.Delivered, "201", 200));
        var record = await DeliverAsync("r-bad");
        Assert.Equal(("failed", 1, 400), (record.Status, record.Rounds, record.Last.HttpStatus));
        Assert.True(Recorded("r-bad", "failed"));
        var alert = Assert.Single(_published.All);
        Assert.Equal((NotificationKinds.DeliveryFailed, NotificationTopics.Operations), (alert.Kind, alert.Topic));
        Assert.Contains("HTTP 400", alert.Reason, StringComparison.Ordinal);
        Assert.Contains(_audit.All, r => r.Action == "results.dead-lettered");

        // Operations fixed the endpoint and retries: the same report version is delivered.
        var again = await DeliverAsync("r-bad", again: true);
        Assert.Equal(ReportDeliveryOutcome.Delivered, again.Status);
        Assert.True(Recorded("r-bad", ReportDeliveryOutcome.Delivered));
    }

    [Fact]
    public async Task Only_operations_may_retry_and_only_a_failed_delivery()
    {
        var config = new ReadingConfigurationProvider(ReadingTestConfiguration.Store(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<ReadingConfigurationProvider>.Instance);
        var api = new ResultsApi(config, _store, _audit, Policy, TimeProvider.System);
        var gateway = new DurableTaskClientGateway(_host.Client);
        var ops = new ReadingCaller { UserId = ReadingTestConfiguration.Operations, Development = true };
        var radiologist = new ReadingCaller { UserId = ReadingTestConfiguration.Neuro, Development = true };

        Assert.Equal(404, (await api.RetryDeliveryAsync(ops, "hospital-a", "2.25.42", "r-none", ReadingEvent.Final, gateway)).StatusCode);
        _delivery.Script("r-retry", new(ReportDeliveryOutcome.Permanent, "forbidden", 403), new(ReportDeliveryOutcome.Delivered, "201", 201));
        Assert.Equal("failed", (await DeliverAsync("r-retry")).Status);

        Assert.Equal(403, (await api.RetryDeliveryAsync(radiologist, "hospital-a", "2.25.42", "r-retry", ReadingEvent.Final, gateway)).StatusCode);
        Assert.Equal(202, (await api.RetryDeliveryAsync(ops, "hospital-a", "2.25.42", "r-retry", ReadingEvent.Final, gateway)).StatusCode);
        await _host.Client.WaitForInstanceCompletionAsync(DeliverReport.InstanceId("hospital-a", "2.25.42", "r-retry", ReadingEvent.Final), new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Recorded("r-retry", ReportDeliveryOutcome.Delivered))
        {
            Assert.True(DateTime.UtcNow < deadline, "the retried delivery was not recorded");
            await Task.Delay(50);
        }

        Assert.Equal(409, (await api.RetryDeliveryAsync(ops, "hospital-a", "2.25.42", "r-retry", ReadingEvent.Final, gateway)).StatusCode);
    }

    [Fact]
    public async Task Rounds_run_out_into_a_dead_letter()
    {
        _delivery.Script("r-down", new ReportDeliveryOutcome(ReportDeliveryOutcome.Retryable, "503", 503));
        var record = await DeliverAsync("r-down");
        Assert.Equal(("failed", 3, "503"), (record.Status, record.Rounds, record.Last.Code));
        Assert.Equal(3, _delivery.Requests.Count(r => r.ReportId == "r-down"));
        Assert.Single(_published.All, n => n.Kind == NotificationKinds.DeliveryFailed);
    }
}
