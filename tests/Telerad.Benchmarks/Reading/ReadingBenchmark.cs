using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Telerad.Notifications;
using Telerad.Reading.Worklist;
using Telerad.Workflow;

namespace Telerad.Benchmarks.Reading;

/// <summary>
/// `reading [STUDIES] [--engine test-host|dtfx] [--sidecar-logs]`: STUDIES (default 1,000) ReadStudyV1 instances
/// started at once on an in-memory Durable Task engine; measures studies assigned and notified per second and the
/// latency from each start to its assignment-offered notification.
/// <list type="bullet">
/// <item><c>test-host</c>: Microsoft.DurableTask.InProcessTestHost, as the workflow tests use it (gRPC sidecar). Its
/// dispatchers take <see cref="Environment.ProcessorCount"/> work items at a time and sleep 500 ms whenever that many
/// are in flight, so set <c>DOTNET_PROCESSOR_COUNT</c> to give it more slots (see docs/benchmarks.md).</item>
/// <item><c>dtfx</c>: DTFx's own <c>TaskHubWorker</c> with the SDK's shims (as Telerad.Local runs the product) over the
/// test host's public in-memory orchestration service: no gRPC hop, and dispatch waits on a semaphore, not a timer.</item>
/// </list>
/// Assignment is a fixed rota (the engine's cost is measured by its own tests); notifications, audit and the worklist
/// go to memory, so what is measured is the engine and the orchestration's five activities before the offer.
/// </summary>
internal static class ReadingBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var studies = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var engineName = Option(args, "--engine") ?? "test-host";
        var sidecarLogs = args.Contains("--sidecar-logs");
        if (!sidecarLogs)
        {
            // The test host builds its sidecar with Host.CreateDefaultBuilder(): console logging at Information, two lines
            // per gRPC call. Its configuration reads environment variables, so this is the knob it offers.
            Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        }

        var clock = Stopwatch.StartNew();
        var notified = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var activities = BenchmarkReading.Activities(new TimingPublisher(notified, clock), new InMemoryReadingWorklist());
        await using IBenchEngine engine = engineName switch
        {
            "test-host" => await TestHostEngine.StartAsync(activities),
            "dtfx" => await DtfxMemoryEngine.StartAsync(activities),
            _ => throw new ArgumentException($"--engine {engineName}: test-host or dtfx"),
        };
        var policy = BenchmarkReading.Policy();
        var load = MachineLoad.Start();
        var started = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var begin = clock.ElapsedTicks;
        await Parallel.ForEachAsync(Enumerable.Range(0, studies), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var study = $"2.25.{i}";
            started[study] = clock.ElapsedTicks;
            await engine.StartAsync(ReadStudy.InstanceId(BenchmarkReading.Tenant, study), new ReadStudyInput(BenchmarkReading.Tenant, study, i % 10 == 0 ? "STAT" : "ROUTINE", null, policy), ct);
        });
        var allStarted = clock.ElapsedTicks;
        while (notified.Count < studies)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(30))
            {
                Console.Error.WriteLine($"only {notified.Count} of {studies} notified in 30 minutes");
                return 1;
            }

            await Task.Delay(20);
        }

        var machine = load.Stop();
        var seconds = (notified.Values.Max() - begin) / (double)Stopwatch.Frequency;
        var latencies = new Latencies(started.Select(s => (notified[s.Key] - s.Value) * 1000.0 / Stopwatch.Frequency));
        Console.WriteLine(FormattableString.Invariant($"{studies} ReadStudyV1 started at once on the in-memory engine '{engineName}' ({engine.Describe()}), sidecar logs {(sidecarLogs ? "on" : "off")}"));
        Console.WriteLine(FormattableString.Invariant($"all started in {(allStarted - begin) / (double)Stopwatch.Frequency:0.00} s"));
        Console.WriteLine(FormattableString.Invariant($"assigned and notified: {studies / seconds:0.0} studies/s (all {studies} in {seconds:0.00} s; target >= 50/s)"));
        Console.WriteLine($"start -> notified: {latencies}");
        Console.WriteLine(machine.Describe(studies));
        Console.WriteLine(FormattableString.Invariant($"RESULT engine={engineName} slots={Environment.ProcessorCount} studies={studies} rate={studies / seconds:0.0} p50={latencies.P50:0} p95={latencies.P95:0} max={latencies.Max:0} cpuMsPerStudy={machine.CpuMilliseconds / studies:0.00} load={machine.LoadBefore:0.00}/{machine.LoadAfter:0.00}"));
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    /// <summary>Records when each study's first assignment offer is published.</summary>
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
}

/// <summary>An in-memory engine that runs ReadStudyV1 with the given activities.</summary>
internal interface IBenchEngine : IAsyncDisposable
{
    Task StartAsync(string instanceId, ReadStudyInput input, CancellationToken cancellationToken);

    string Describe();
}
