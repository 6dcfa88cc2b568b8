using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Telerad.Auditing;
using Telerad.Ingestion;
using Telerad.Notifications;
using Telerad.Reading.Worklist;
using Telerad.Storage;
using Telerad.Workflow;

namespace Telerad.Benchmarks;

/// <summary>
/// `reading [STUDIES]`: STUDIES (default 1,000) ReadStudyV1 instances started at once on the in-memory Durable Task
/// engine; measures studies assigned and notified per second and the p95 from start to the assignment notification.
/// Assignment is a fixed rota (the engine's cost is measured by its own tests), notifications and audit go to memory.
/// </summary>
internal static class ReadingBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var studies = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var notified = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        await using var host = await DurableTaskTestHost.StartAsync(r => r.AddTeleradWorkflows(), new DurableTaskTestHostOptions
        {
            LoggerFactory = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            ConfigureServices = services => services.AddSingleton(new ReadingActivities(
                new Rota(), new TimingPublisher(notified, clock), new StudyLinks(new LinkTokens(LinkSigningKeys.Generate(), TimeProvider.System), new StudyLinkOptions(), TimeProvider.System),
                new NullAudit(), new NullStore(), new InMemoryReadingWorklist(), new DeliveryRetryPolicy(), TimeProvider.System)),
        });
        var policy = new ReadingPolicy
        {
            Turnaround = new Dictionary<string, TimeSpan> { ["STAT"] = TimeSpan.FromHours(1), ["URGENT"] = TimeSpan.FromHours(4), ["ROUTINE"] = TimeSpan.FromHours(24) },
            AcceptReminderInterval = TimeSpan.FromHours(1),
        };

        var started = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var begin = clock.ElapsedTicks;
        await Parallel.ForEachAsync(Enumerable.Range(0, studies), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var study = $"2.25.{i}";
            started[study] = clock.ElapsedTicks;
            await host.Client.ScheduleNewOrchestrationInstanceAsync(ReadStudy.OrchestratorName, new ReadStudyInput("bench", study, i % 10 == 0 ? "STAT" : "ROUTINE", null, policy), new StartOrchestrationOptions(ReadStudy.InstanceId("bench", study)), ct);
        });
        while (notified.Count < studies)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(30))
            {
                Console.Error.WriteLine($"only {notified.Count} of {studies} notified in 30 minutes");
                return 1;
            }

            await Task.Delay(20);
        }

        var seconds = (notified.Values.Max() - begin) / (double)Stopwatch.Frequency;
        var latencies = started.Select(s => (notified[s.Key] - s.Value) * 1000.0 / Stopwatch.Frequency).Order().ToList();
        var p95 = latencies[(int)Math.Ceiling(latencies.Count * 0.95) - 1];
        Console.WriteLine(FormattableString.Invariant($"{studies} ReadStudyV1 started at once on the in-memory engine, {Environment.ProcessorCount} cores"));
        Console.WriteLine(FormattableString.Invariant($"assigned and notified: {studies / seconds:0} studies/s (all {studies} in {seconds:0.0} s; target >= 50/s)"));
        Console.WriteLine(FormattableString.Invariant($"start -> notified: p50 {latencies[latencies.Count / 2]:0} ms, p95 {p95:0} ms, max {latencies[^1]:0} ms"));
        return 0;
    }

    private sealed class Rota : IReaderAssigner
    {
        private int _next;

        public Task<AssignmentDecision> AssignAsync(AssignReaderRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult(new AssignmentDecision($"rad-{Interlocked.Increment(ref _next) % 20}", "rota"));
    }

    private sealed class TimingPublisher(ConcurrentDictionary<string, long> notified, Stopwatch clock) : INotificationPublisher
    {
        public Task PublishAsync(Notification notification, CancellationToken cancellationToken = default)
        {
            if (notification.Kind == NotificationKinds.AssignmentOffered)
            {
                notified.TryAdd(notification.StudyKey, clock.ElapsedTicks);
            }

            return Task.CompletedTask;
        }
    }

    private sealed class NullAudit : IAuditLog
    {
        public Task WriteAsync(AuditRecord record, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    private sealed class NullStore : IObjectStore
    {
        public Task<ObjectProperties?> GetPropertiesAsync(ObjectRef reference, CancellationToken cancellationToken = default) => Task.FromResult<ObjectProperties?>(null);

        public Task<System.IO.Stream> OpenReadAsync(ObjectRef reference, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public async Task<ObjectProperties> WriteAsync(ObjectRef reference, System.IO.Stream content, ObjectWriteOptions? options = null, CancellationToken cancellationToken = default)
        {
            await content.CopyToAsync(System.IO.Stream.Null, cancellationToken);
            return new ObjectProperties(reference, content.Length, "etag", DateTimeOffset.UtcNow, new Dictionary<string, string>());
        }

        public Task AppendAsync(ObjectRef reference, ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public async IAsyncEnumerable<ObjectProperties> ListAsync(string container, string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield break;
        }

        public Task<bool> DeleteAsync(ObjectRef reference, CancellationToken cancellationToken = default) => Task.FromResult(false);
    }
}
