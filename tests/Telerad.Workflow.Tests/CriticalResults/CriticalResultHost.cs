using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Telerad.Auditing;
using Telerad.Dicom.Tests;
using Telerad.Ingestion.Tests;
using Telerad.Ingestion;
using Telerad.Reading.Worklist;
using Telerad.Notifications;
using Telerad.Reading.Configuration;

namespace Telerad.Workflow.Tests.CriticalResults;

/// <summary>
/// The real Durable Task engine (in-process host) running CriticalResultV1 and ReadStudyV1 with their real activity
/// services, over a real reading configuration (loaded and validated from the JSON below) with acknowledgment timeouts
/// compressed to seconds. Only what cannot run here is replaced: notifications are recorded in memory (the transports
/// are tested on Azurite and with a Service Bus stand-in), objects go to the in-memory store, the audit trail to a real
/// JSON-lines file.
/// </summary>
/// <remarks>
/// Tenants: <c>fast</c> (red PT1S, orange PT2S; referrer <c>ref-ed</c>: ed-attending, ed-charge, then chain ops-desk,
/// ops-manager), <c>slow</c> (red PT60S; referrer <c>ref-slow</c>: slow-clinician, then ops-desk) and <c>optin</c>
/// (<c>aiHeadsUp</c>; referrer <c>ref-optin</c>: optin-clinician).
/// </remarks>
internal sealed class CriticalResultHost : IAsyncDisposable
{
    public const string Operations = """
        {
          "contacts": [
            { "id": "ops-desk", "displayName": "Operations desk", "role": "operations-desk", "channel": "pager", "address": "ops-1" },
            { "id": "ops-manager", "displayName": "Operations manager", "role": "operations-manager", "channel": "phone", "address": "+1-555-0100" }
          ],
          "alertContacts": ["ops-desk"]
        }
        """;

    public const string Tenants = """
        {
          "tenants": [
            {
              "id": "fast", "displayName": "Fast", "turnaroundTargets": { "STAT": "PT1H", "URGENT": "PT4H", "ROUTINE": "PT24H" },
              "escalationChains": [
                { "id": "sla", "steps": [ { "contact": "ops-desk" } ] },
                { "id": "critical", "steps": [ { "contact": "ops-desk" }, { "contact": "ops-manager", "after": "PT30M" } ] }
              ],
              "slaEscalationChain": "sla",
              "facilities": [ { "id": "fast-site", "displayName": "Fast site", "jurisdiction": "US-NY" } ],
              "referrers": [ {
                "id": "ref-ed", "displayName": "ED", "fhirEndpointId": "ehr",
                "criticalResultContacts": [
                  { "id": "ed-attending", "displayName": "ED attending", "channel": "phone", "address": "+1-555-0110" },
                  { "id": "ed-charge", "displayName": "ED charge nurse", "channel": "phone", "address": "+1-555-0111" }
                ],
                "criticalResultEscalationChain": "critical"
              } ],
              "criticalResults": { "acknowledgmentTimeouts": { "red": "PT1S", "orange": "PT2S" } }
            },
            {
              "id": "slow", "displayName": "Slow", "turnaroundTargets": { "STAT": "PT1H", "URGENT": "PT4H", "ROUTINE": "PT24H" },
              "escalationChains": [ { "id": "sla", "steps": [ { "contact": "ops-desk" } ] } ],
              "slaEscalationChain": "sla",
              "facilities": [ { "id": "slow-site", "displayName": "Slow site", "jurisdiction": "US-NY" } ],
              "referrers": [ {
                "id": "ref-slow", "displayName": "Clinic", "fhirEndpointId": "ehr",
                "criticalResultContacts": [ { "id": "slow-clinician", "displayName": "Clinician", "channel": "sms", "address": "+1-555-0120" } ],
                "criticalResultEscalationChain": "sla"
              } ],
              "criticalResults": { "acknowledgmentTimeouts": { "red": "PT60S", "orange": "PT120S" } }
            },
            {
              "id": "optin", "displayName": "Opt-in", "turnaroundTargets": { "STAT": "PT1H", "URGENT": "PT4H", "ROUTINE": "PT24H" },
              "escalationChains": [ { "id": "sla", "steps": [ { "contact": "ops-desk" } ] } ],
              "slaEscalationChain": "sla",
              "facilities": [ { "id": "optin-site", "displayName": "Opt-in site", "jurisdiction": "US-NY" } ],
              "referrers": [ {
                "id": "ref-optin", "displayName": "Practice", "fhirEndpointId": "ehr",
                "criticalResultContacts": [ { "id": "optin-clinician", "displayName": "Clinician", "channel": "email", "address": "c@example.org" } ]
              } ],
              "criticalResults": { "aiHeadsUp": true }
            }
          ]
        }
        """;

    public static readonly StudyAssemblyOptions Retry = new() { MaxAttempts = 2, FirstRetryInterval = TimeSpan.FromMilliseconds(100), MaxRetryInterval = TimeSpan.FromSeconds(1) };

    private readonly string _auditPath = Path.Combine(TestData.NewScratchDirectory("critical-result"), "audit.jsonl");
    private DurableTaskTestHost _host = null!;

    private CriticalResultHost()
    {
    }

    public InMemoryObjectStore Store { get; } = new();

    public RecordingPublisher Published { get; } = new();

    public LinkSigningKeys Keys { get; } = LinkSigningKeys.Generate();

    public ReadingConfiguration Configuration { get; } = ReadingConfigurationLoader.LoadAsync(new InMemoryReadingConfigurationStore(new Dictionary<string, byte[]>
    {
        [ReadingConfigurationLoader.OperationsDocument] = Encoding.UTF8.GetBytes(Operations),
        [ReadingConfigurationLoader.TenantsDocument] = Encoding.UTF8.GetBytes(Tenants),
        [ReadingConfigurationLoader.RadiologistsDocument] = """{ "radiologists": [] }"""u8.ToArray(),
    })).GetAwaiter().GetResult();

    public DurableTaskClient Client => _host.Client;

    public IOrchestrationGateway Gateway => new DurableTaskClientGateway(_host.Client);

    public CriticalResultRecords Records => new(Store);

    public CriticalResultActivities Activities { get; private set; } = null!;

    /// <summary>The loop steps sent to the referrer's EHR (the FHIR mapping and sending have their own tests).</summary>
    public RecordingCommunications Communications { get; } = new();

    public sealed class RecordingCommunications : ICriticalResultCommunicationDelivery
    {
        public System.Collections.Concurrent.ConcurrentQueue<CriticalResultCommunicationRequest> Requests { get; } = new();

        public Task<ReportDeliveryOutcome> DeliverAsync(CriticalResultCommunicationRequest request, CancellationToken cancellationToken = default)
        {
            Requests.Enqueue(request);
            return Task.FromResult(new ReportDeliveryOutcome(ReportDeliveryOutcome.Delivered, "200"));
        }
    }

    /// <summary>The acknowledgment handler on the real clock, or on <paramref name="clock"/> (expiry tests).</summary>
    public CriticalResultAcknowledgments Acknowledgments(TimeProvider? clock = null) =>
        new(new LinkTokens(Keys, clock ?? TimeProvider.System), Records, new JsonLinesAuditLog(_auditPath), clock ?? TimeProvider.System);

    public static async Task<CriticalResultHost> StartAsync()
    {
        var host = new CriticalResultHost();
        var audit = new JsonLinesAuditLog(host._auditPath);
        var tokens = new LinkTokens(host.Keys, TimeProvider.System);
        var links = new StudyLinkOptions();
        host.Activities = new CriticalResultActivities(
            new ConfiguredCriticalResultDirectory(host.Configuration, host.Store), host.Published, new CriticalResultLinks(tokens, links, new CriticalResultOptions()),
            host.Records, audit, TimeProvider.System);
        host._host = await DurableTaskTestHost.StartAsync(r => r.AddTeleradWorkflows(), new DurableTaskTestHostOptions
        {
            Port = Telerad.Dicom.Tests.FreeTcpPort.Next(),
            ConfigureServices = services =>
            {
                services.AddSingleton(host.Activities);
                services.AddSingleton(new CriticalResultCommunicationActivities(host.Communications, host.Store, host.Published, TimeProvider.System));
                services.AddSingleton<IOrchestrationGateway>(_ => host.Gateway);
                services.AddSingleton(new ReadingActivities(new FirstReader(), host.Published, new StudyLinks(tokens, links, TimeProvider.System), audit, host.Store, new InMemoryReadingWorklist(), new DeliveryRetryPolicy(), TimeProvider.System));
                services.AddSingleton(new ResultsActivities(new ScriptedReportDelivery(), host.Published, audit, host.Store, TimeProvider.System));
            },
        });
        return host;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    /// <summary>A new study of <paramref name="tenant"/> whose summary names <paramref name="referrer"/> (or no referrer).</summary>
    public string NewStudy(string tenant, string? referrer)
    {
        var study = "2.25." + Random.Shared.NextInt64(1, long.MaxValue);
        var summary = new StudySummary { Tenant = tenant, StudyKey = study, Modalities = ["CT"], Series = [], ReferrerId = referrer };
        Store.Put(new ObjectRef(Containers.Deidentified, $"{tenant}/{study}/summary.json"), JsonSerializer.SerializeToUtf8Bytes(summary, WorkflowJsonContext.Default.StudySummary));
        return study;
    }

    public static StartCriticalResultRequest Request(string tenant, string study, string reportId = "rep-1", string? severity = CriticalSeverities.Red, string kind = ReadingEvent.Final) =>
        new(tenant, study, reportId, kind, "rad-1", severity, DateTime.UtcNow, Retry);

    public Task<CriticalResultStart> StartLoopAsync(StartCriticalResultRequest request) => Activities.StartAsync(request, Gateway);

    public async Task<CriticalResultOutcome> OutcomeAsync(string tenant, string study, string reportId = "rep-1", int seconds = 30)
    {
        var done = await Client.WaitForInstanceCompletionAsync(CriticalResult.InstanceId(tenant, study, reportId), getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token);
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
        return done.ReadOutputAs<CriticalResultOutcome>()!;
    }

    public async Task<OrchestrationRuntimeStatus?> StatusAsync(string instanceId) => (await Client.GetInstanceAsync(instanceId))?.RuntimeStatus;

    public IEnumerable<Notification> Sent(string study) => Published.All.Where(n => n.StudyKey == study);

    public async Task<Notification> WaitForAsync(string study, string kind, string? recipient = null, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var found = Sent(study).FirstOrDefault(n => n.Kind == kind && (recipient is null || n.RecipientId == recipient));
            if (found is not null)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no {kind} for {recipient ?? "anyone"}; sent: {string.Join(", ", Sent(study).Select(n => $"{n.Kind}/{n.RecipientId}"))}");
            await Task.Delay(25);
        }
    }

    public List<AuditRecord> Audit(string study) => [.. JsonLinesAuditLog.ReadAll(_auditPath).Where(r => r.TargetId == study)];

    public List<AuditRecord> AuditAll() => [.. JsonLinesAuditLog.ReadAll(_auditPath)];

    /// <summary>The token of an acknowledgment link (the query parameter, unescaped).</summary>
    public static string TokenOf(string link)
    {
        var query = new Uri(link).Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]), StringComparer.Ordinal);
        return query["token"];
    }

    /// <summary>Notifications as the transports deliver them: the same message id once.</summary>
    internal sealed class RecordingPublisher : INotificationPublisher
    {
        private readonly ConcurrentDictionary<string, Notification> _byId = new(StringComparer.Ordinal);

        public ConcurrentQueue<Notification> All { get; } = new();

        public Task PublishAsync(Notification notification, CancellationToken cancellationToken = default)
        {
            if (_byId.TryAdd(notification.MessageId, notification))
            {
                All.Enqueue(notification);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>Always rad-1 (the assignment engine has its own tests).</summary>
    private sealed class FirstReader : IReaderAssigner
    {
        public Task<AssignmentDecision> AssignAsync(AssignReaderRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult(new AssignmentDecision("rad-1", "rank-1"));
    }
}
