using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;
using Microsoft.Extensions.Time.Testing;
using Telerad.Fhir.Auth;
using Telerad.Fhir.Delivery;
using Telerad.Fhir.Tests.Server;

namespace Telerad.Fhir.Tests.Delivery;

/// <summary>The delivery client against the real test FHIR server (tools/fhir-server), faults injected there.</summary>
[Collection(OpenFhirServerCollection.Name)]
public sealed class DeliveryAgainstServerTests(OpenFhirServer server) : IAsyncLifetime, IDisposable
{
    private const string ReportId = "report-0001";
    private readonly HttpClient _http = new();
    private readonly AccessTokenProviders _tokens = new(new HttpClient(), new InMemorySecretStore(), TimeProvider.System);

    private FhirEndpoint Endpoint => new("local-test", server.FhirBase, NoAuthentication.Instance);

    public Task InitializeAsync() => server.ClearFaultsAsync();

    public Task DisposeAsync() => server.ClearFaultsAsync();

    public void Dispose()
    {
        _http.Dispose();
        _tokens.Dispose();
    }

    [Fact]
    public async Task A_transaction_is_delivered_and_read_back()
    {
        var (patientId, reportValue) = TestBundles.NewIds();
        var (client, _, _) = NewClient();

        var result = await client.DeliverAsync(Endpoint, TestBundles.PatientAndReport(patientId, reportValue, "Acute subdural haematoma."), ReportId);

        var delivered = Assert.IsType<Delivered>(result);
        Assert.Equal(200, delivered.StatusCode);
        Assert.Equal(1, delivered.Attempts);
        Assert.Collection(
            delivered.Entries,
            e => Assert.Equal(("Patient", 201), (e.ResourceType, e.StatusCode)),
            e => Assert.Equal(("DiagnosticReport", 201), (e.ResourceType, e.StatusCode)));
        Assert.All(delivered.Entries, e => Assert.False(string.IsNullOrEmpty(e.VersionId)));
        Assert.All(delivered.Entries, e => Assert.StartsWith("W/\"", e.ETag, StringComparison.Ordinal));

        // Read back through the locations the server gave, as the EHR would serve them.
        var report = await server.ReadAsync(delivered.Entries[1].Location!);
        Assert.Equal(reportValue, report["identifier"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("Acute subdural haematoma.", report["conclusion"]!.GetValue<string>());
        Assert.Equal($"Patient/{delivered.Entries[0].ResourceId}", report["subject"]!["reference"]!.GetValue<string>());
        var patient = await server.ReadAsync($"Patient/{delivered.Entries[0].ResourceId}");
        Assert.Equal(patientId, patient["identifier"]![0]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delivering_the_same_report_twice_creates_nothing_new()
    {
        var (patientId, reportValue) = TestBundles.NewIds();
        var (client, _, _) = NewClient();
        var before = await server.StatsAsync();

        var first = Assert.IsType<Delivered>(await client.DeliverAsync(Endpoint, TestBundles.PatientAndReport(patientId, reportValue), ReportId));
        var second = Assert.IsType<Delivered>(await client.DeliverAsync(Endpoint, TestBundles.PatientAndReport(patientId, reportValue), ReportId));

        Assert.All(first.Entries, e => Assert.Equal(201, e.StatusCode));
        Assert.All(second.Entries, e => Assert.Equal(200, e.StatusCode));
        Assert.Equal(first.Entries.Select(e => e.ResourceId), second.Entries.Select(e => e.ResourceId));
        var after = await server.StatsAsync();
        Assert.Equal(1, after.Created("DiagnosticReport") - before.Created("DiagnosticReport"));
        Assert.Equal(1, after.Created("Patient") - before.Created("Patient"));
        Assert.Single(Entries(await server.SearchAsync("DiagnosticReport", $"identifier={TestBundles.ReportSystem}|{reportValue}")));
    }

    [Fact]
    public async Task A_transaction_given_as_json_is_sent_as_it_is()
    {
        var (patientId, reportValue) = TestBundles.NewIds();
        var json = JsonSerializer.Serialize(TestBundles.PatientAndReport(patientId, reportValue), new JsonSerializerOptions().ForFhir());
        var (client, _, _) = NewClient();

        var delivered = Assert.IsType<Delivered>(await client.DeliverAsync(Endpoint, json, ReportId));

        Assert.Equal(2, delivered.Entries.Count);
        Assert.Single(Entries(await server.SearchAsync("Patient", $"identifier={TestBundles.PatientSystem}|{patientId}")));
    }

    [Fact]
    public async Task It_posts_fhir_json_to_the_base_url_asking_for_a_minimal_answer()
    {
        var (patientId, reportValue) = TestBundles.NewIds();
        var (client, _, _) = NewClient();

        var delivered = Assert.IsType<Delivered>(await client.DeliverAsync(Endpoint, TestBundles.PatientAndReport(patientId, reportValue), ReportId));

        var last = (await server.RecentRequestsAsync())[^1]!;
        Assert.Equal("POST", last["method"]!.GetValue<string>());
        Assert.Equal(string.Empty, last["path"]!.GetValue<string>());
        Assert.StartsWith("application/fhir+json", last["contentType"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("application/fhir+json", last["accept"]!.GetValue<string>());
        Assert.Equal("return=minimal", last["prefer"]!.GetValue<string>());
        Assert.Null(last["authorization"]);
        Assert.All(delivered.Entries, e => Assert.NotNull(e.Location));
    }

    [Fact]
    public async Task A_503_then_200_is_delivered_once()
    {
        var (patientId, reportValue) = TestBundles.NewIds();
        var (client, delay, log) = NewClient();
        await server.InjectAsync(Fault.WithStatus(503, retryAfter: "1"));
        var before = await server.StatsAsync();

        var delivered = Assert.IsType<Delivered>(await client.DeliverAsync(Endpoint, TestBundles.PatientAndReport(patientId, reportValue), ReportId));

        Assert.Equal(2, delivered.Attempts);
        Assert.Equal([TimeSpan.FromSeconds(1)], delay.Delays);
        var after = await server.StatsAsync();
        Assert.Equal(2, after.Route("POST (base)") - before.Route("POST (base)"));
        Assert.Equal(1, after.Created("DiagnosticReport") - before.Created("DiagnosticReport"));
        Assert.Contains(log.Entries, e => e.EventId.Id == 7001 && e.Message.Contains("ServerError, HTTP 503", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_429_with_Retry_After_in_seconds_is_waited_out_exactly()
    {
        var (patientId, reportValue) = TestBundles.NewIds();
        var (client, delay, _) = NewClient();
        await server.InjectAsync(Fault.WithStatus(429, retryAfter: "7"));

        var delivered = Assert.IsType<Delivered>(await client.DeliverAsync(Endpoint, TestBundles.PatientAndReport(patientId, reportValue), ReportId));

        Assert.Equal(2, delivered.Attempts);
        Assert.Equal([TimeSpan.FromSeconds(7)], delay.Delays);
    }

    [Fact]
    public async Task A_Retry_After_given_as_an_HTTP_date_is_waited_out()
    {
        var (patientId, reportValue) = TestBundles.NewIds();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (client, delay, _) = NewClient(time: time);
        var retryAt = (time.GetUtcNow() + TimeSpan.FromSeconds(30)).ToString("r", CultureInfo.InvariantCulture);
        await server.InjectAsync(Fault.WithStatus(503, retryAfter: retryAt));

        var delivered = Assert.IsType<Delivered>(await client.DeliverAsync(Endpoint, TestBundles.PatientAndReport(patientId, reportValue), ReportId));

        Assert.Equal(2, delivered.Attempts);
        var waited = Assert.Single(delay.Delays);
        // HTTP-dates have whole seconds: the wait is 30 s less the fraction of a second the clock was past.
        Assert.InRange(waited, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_400_is_a_permanent_failure_with_the_OperationOutcome_and_no_retry()
    {
        var (patientId, reportValue) = TestBundles.NewIds();
        var (client, delay, log) = NewClient();
        const string Echo = "Patient Testpatient, Ada (DOB 1970-01-01): reference cannot be resolved";
        var outcome = new JsonObject
        {
            ["resourceType"] = "OperationOutcome",
            ["issue"] = new JsonArray(new JsonObject { ["severity"] = "error", ["code"] = "business-rule", ["diagnostics"] = Echo }),
        };
        await server.InjectAsync(new Fault { Status = 400, Outcome = outcome });
        var before = await server.StatsAsync();

        var result = await client.DeliverAsync(Endpoint, TestBundles.PatientAndReport(patientId, reportValue), ReportId);

        var failure = Assert.IsType<PermanentFailure>(result);
        Assert.Equal((PermanentFailureReason.Rejected, 400, 1), (failure.Reason, failure.StatusCode, failure.Attempts));
        var issue = Assert.Single(failure.Outcome!.Issue);
        Assert.Equal(OperationOutcome.IssueType.BusinessRule, issue.Code);
        Assert.Equal(Echo, issue.Diagnostics);
        Assert.Empty(delay.Delays);
        Assert.Equal(1, (await server.StatsAsync()).Route("POST (base)") - before.Route("POST (base)"));
        // The outcome echoes patient data: it stays in the result object, out of logs and out of ToString().
        Assert.DoesNotContain("Testpatient", log.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("Testpatient", failure.ToString(), StringComparison.Ordinal);
        Assert.Contains("1 issue(s), not printed", failure.ToString(), StringComparison.Ordinal);
        Assert.Contains(log.Entries, e => e.EventId.Id == 7003 && e.Message.Contains(ReportId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_transaction_the_server_rejects_stores_nothing_and_keeps_its_OperationOutcome()
    {
        var (patientId, reportValue) = TestBundles.NewIds();
        var bundle = TestBundles.PatientAndReport(patientId, reportValue);
        bundle.Entry[1].Request!.Url = "Observation"; // a DiagnosticReport posted to Observation: the server must refuse the whole transaction
        var (client, _, _) = NewClient();

        var failure = Assert.IsType<PermanentFailure>(await client.DeliverAsync(Endpoint, bundle, ReportId));

        Assert.Equal(400, failure.StatusCode);
        Assert.NotEmpty(failure.Outcome!.Issue);
        Assert.Equal(OperationOutcome.IssueSeverity.Error, failure.Outcome.Issue[0].Severity);
        // All or nothing: the Patient of the first entry was not kept either.
        Assert.Empty(Entries(await server.SearchAsync("Patient", $"identifier={TestBundles.PatientSystem}|{patientId}")));
    }

    [Fact]
    public async Task A_timeout_is_retried()
    {
        var (patientId, reportValue) = TestBundles.NewIds();
        var (client, delay, log) = NewClient(new FhirDeliveryOptions { AttemptTimeout = TimeSpan.FromSeconds(2) }, TimeProvider.System);
        await server.InjectAsync(new Fault { HangMs = 5000 });

        var delivered = Assert.IsType<Delivered>(await client.DeliverAsync(Endpoint, TestBundles.PatientAndReport(patientId, reportValue), ReportId));

        // At least the hung attempt and one more (a cold machine may time out again): one wait between each two.
        Assert.True(delivered.Attempts >= 2, $"{delivered.Attempts} attempts");
        Assert.Equal(delivered.Attempts - 1, delay.Delays.Count);
        Assert.Contains(log.Entries, e => e.EventId.Id == 7001 && e.Message.Contains("(Timeout,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dropped_connection_is_retried()
    {
        var (patientId, reportValue) = TestBundles.NewIds();
        var (client, _, log) = NewClient();
        await server.InjectAsync(new Fault { Reset = true });

        var delivered = Assert.IsType<Delivered>(await client.DeliverAsync(Endpoint, TestBundles.PatientAndReport(patientId, reportValue), ReportId));

        Assert.Equal(2, delivered.Attempts);
        Assert.Contains(log.Entries, e => e.EventId.Id == 7001 && e.Message.Contains("ConnectionFailed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_answer_lost_after_the_server_committed_is_retried_without_a_duplicate()
    {
        var (patientId, reportValue) = TestBundles.NewIds();
        var (client, _, _) = NewClient();
        await server.InjectAsync(new Fault { Status = 502, AfterProcessing = true });
        var before = await server.StatsAsync();

        var delivered = Assert.IsType<Delivered>(await client.DeliverAsync(Endpoint, TestBundles.PatientAndReport(patientId, reportValue), ReportId));

        Assert.Equal(2, delivered.Attempts);
        Assert.All(delivered.Entries, e => Assert.Equal(200, e.StatusCode)); // found, not created again
        Assert.Equal(1, (await server.StatsAsync()).Created("DiagnosticReport") - before.Created("DiagnosticReport"));
        Assert.Single(Entries(await server.SearchAsync("DiagnosticReport", $"identifier={TestBundles.ReportSystem}|{reportValue}")));
    }

    [Fact]
    public async Task Retryable_failures_end_after_the_last_attempt_with_full_jitter_waits()
    {
        var (patientId, reportValue) = TestBundles.NewIds();
        var options = new FhirDeliveryOptions { MaxAttempts = 4, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(3) };
        var (client, delay, log) = NewClient(options, random: new Random(1234));
        await server.InjectAsync(new Fault { Status = 500, Times = 4 });

        var result = await client.DeliverAsync(Endpoint, TestBundles.PatientAndReport(patientId, reportValue), ReportId);

        var exhausted = Assert.IsType<RetryableFailureExhausted>(result);
        Assert.Equal((4, DeliveryFailureKind.ServerError, 500), (exhausted.Attempts, exhausted.LastFailure, exhausted.LastStatusCode));
        Assert.Null(exhausted.RetryNotBefore);
        // Full jitter: attempt n waits u·min(cap, base·2^(n-1)), u uniform in [0, 1) from the seeded source.
        var expected = new Random(1234);
        var ceilings = new[] { 1.0, 2.0, 3.0 };
        Assert.Equal(ceilings.Select(c => TimeSpan.FromTicks((long)(TimeSpan.FromSeconds(c).Ticks * expected.NextDouble()))), delay.Delays);
        Assert.Contains(log.Entries, e => e.EventId.Id == 7004);
        Assert.Equal(0, (await server.StatsAsync()).PendingFaults);
    }

    [Fact]
    public async Task A_Retry_After_beyond_the_time_budget_ends_the_delivery_with_a_time_to_retry()
    {
        var (patientId, reportValue) = TestBundles.NewIds();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (client, delay, _) = NewClient(new FhirDeliveryOptions { MaxTotalTime = TimeSpan.FromSeconds(60) }, time);
        await server.InjectAsync(Fault.WithStatus(503, retryAfter: "600"));

        var exhausted = Assert.IsType<RetryableFailureExhausted>(await client.DeliverAsync(Endpoint, TestBundles.PatientAndReport(patientId, reportValue), ReportId));

        Assert.Equal(1, exhausted.Attempts);
        Assert.Empty(delay.Delays);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(600), exhausted.RetryNotBefore);
    }

    [Fact]
    public async Task The_total_time_budget_bounds_the_waits()
    {
        var (patientId, reportValue) = TestBundles.NewIds();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new FhirDeliveryOptions { MaxAttempts = 10, AttemptTimeout = TimeSpan.FromSeconds(5), MaxTotalTime = TimeSpan.FromSeconds(25) };
        var (client, delay, _) = NewClient(options, time);
        await server.InjectAsync(new Fault { Status = 503, RetryAfter = "10", Times = 10 });

        var exhausted = Assert.IsType<RetryableFailureExhausted>(await client.DeliverAsync(Endpoint, TestBundles.PatientAndReport(patientId, reportValue), ReportId));

        // Waits of 10 s at 0 and 10 s; a third would end at 30 s > 25 s.
        Assert.Equal(3, exhausted.Attempts);
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)], delay.Delays);
        await server.ClearFaultsAsync();
    }

    [Fact]
    public async Task A_refused_connection_is_retried_until_the_attempts_run_out()
    {
        var (client, delay, _) = NewClient(new FhirDeliveryOptions { MaxAttempts = 3 });
        var endpoint = new FhirEndpoint("nobody-home", new Uri($"http://127.0.0.1:{UnusedPort()}/fhir"), NoAuthentication.Instance);

        var exhausted = Assert.IsType<RetryableFailureExhausted>(await client.DeliverAsync(endpoint, TestBundles.PatientAndReport("p", "r"), ReportId));

        Assert.Equal((3, DeliveryFailureKind.ConnectionFailed, (int?)null), (exhausted.Attempts, exhausted.LastFailure, exhausted.LastStatusCode));
        Assert.Equal(2, delay.Delays.Count);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_taken_for_a_timeout()
    {
        var (client, _, _) = NewClient(time: TimeProvider.System);
        await server.InjectAsync(new Fault { HangMs = 5000 });
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.DeliverAsync(Endpoint, TestBundles.PatientAndReport("p", "r"), ReportId, cancellation.Token));
    }

    [Fact]
    public async Task A_401_from_an_endpoint_without_authentication_is_not_retried()
    {
        var (client, _, _) = NewClient();
        await server.InjectAsync(Fault.WithStatus(401));

        var failure = Assert.IsType<PermanentFailure>(await client.DeliverAsync(Endpoint, TestBundles.PatientAndReport("p", "r"), ReportId));

        Assert.Equal((PermanentFailureReason.Unauthorized, 401, 1), (failure.Reason, failure.StatusCode, failure.Attempts));
    }

    [Fact]
    public async Task Only_transaction_bundles_are_sent()
    {
        var (client, _, _) = NewClient();
        var batch = TestBundles.PatientAndReport("p", "r");
        batch.Type = Bundle.BundleType.Batch;

        await Assert.ThrowsAsync<ArgumentException>(() => client.DeliverAsync(Endpoint, batch, ReportId));
        await Assert.ThrowsAsync<ArgumentException>(() => client.DeliverAsync(Endpoint, """{"resourceType":"Patient"}""", ReportId));
        await Assert.ThrowsAsync<FhirEndpointConfigurationException>(
            () => client.DeliverAsync(new FhirEndpoint("far-away", new Uri("http://ehr.example.org/fhir"), NoAuthentication.Instance), TestBundles.PatientAndReport("p", "r"), ReportId));
    }

    private (FhirDeliveryClient Client, RecordingDelay Delay, CapturingLogger<FhirDeliveryClient> Log) NewClient(
        FhirDeliveryOptions? options = null,
        TimeProvider? time = null,
        Random? random = null)
    {
        var delay = new RecordingDelay(time as FakeTimeProvider);
        var log = new CapturingLogger<FhirDeliveryClient>();
        return (new FhirDeliveryClient(_http, _tokens, options, time ?? new FakeTimeProvider(DateTimeOffset.UtcNow), delay, log, random ?? new Random(1)), delay, log);
    }

    private static JsonArray Entries(JsonObject bundle) => bundle["entry"]?.AsArray() ?? [];

    private static int UnusedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
