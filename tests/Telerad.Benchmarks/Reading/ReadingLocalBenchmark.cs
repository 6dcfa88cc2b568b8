using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Telerad.Azure;
using Telerad.Ingestion;
using Telerad.Local;
using Telerad.Notifications;
using Telerad.Reading.Configuration;
using Telerad.Storage;
using Telerad.Workflow;

namespace Telerad.Benchmarks.Reading;

/// <summary>
/// `reading-local [STUDIES] [RATE] [--warmup N] [--activity-concurrency N] [--storage CONNECTION] [--requests] [--phases] [--keep]`: the persistent local engine as `telerad demo` runs it (a
/// <see cref="LocalRuntime"/>: its own Azurite, DTFx on the Azure Storage backend, the API) with STUDIES (default 300)
/// study summaries in deid/, reading started through <see cref="ReadingStarter"/> (what StartReadingV1 does after
/// assembly: summary, configuration, worklist row, ReadStudyV1) at RATE studies per second (default 10), each start
/// on its own so a slow one does not lower the offered rate. Measures start → the assignment-offered notification
/// (its CreatedUtc, stamped by the notify activity) and → queued (the outbox row's last write, after the Azurite queue
/// send). Real assignment engine: ten readers with room for every study (the demo's two hold 20 each).
/// </summary>
internal static class ReadingLocalBenchmark
{
    private const string Tenant = LocalOptions.DefaultTenant;

    public static async Task<int> RunAsync(string[] args)
    {
        var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal) && !IsOptionValue(args, a)).ToList();
        var studies = positional.Count > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 300;
        var rate = positional.Count > 1 ? double.Parse(positional[1], CultureInfo.InvariantCulture) : 10;
        var warmup = Option(args, "--warmup") is { } w ? int.Parse(w, CultureInfo.InvariantCulture) : 10;
        var activityConcurrency = Option(args, "--activity-concurrency") is { } a ? int.Parse(a, CultureInfo.InvariantCulture) : new LocalOptions().ActivityConcurrency;
        var folder = Path.Combine(Path.GetTempPath(), "telerad-reading-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var ports = FreePorts(3);
        var options = new LocalOptions
        {
            DataDirectory = Path.Combine(folder, "data"),
            BlobPort = ports[0],
            QueuePort = ports[1],
            TablePort = ports[2],
            TaskHub = "readingbench",
            Urls = "http://127.0.0.1:0",
            KeyFile = Path.Combine(folder, "keys.json"),
            LogLevel = LogLevel.Warning,
            ActivityConcurrency = activityConcurrency,
            StorageConnectionString = Option(args, "--storage"), // a running Azurite (say, one with --inMemoryPersistence)
        };
        Directory.CreateDirectory(options.DataDirectory);
        SeedReadingConfiguration(options, readers: 10);
        var check = await ReadingConfigurationLoader.TryLoadAsync(new FolderReadingConfigurationStore(options.EffectiveReadingConfigFolder));
        if (check.Configuration is null)
        {
            Console.Error.WriteLine("the benchmark's reading configuration does not load: " + string.Join("; ", check.Errors));
            return 2;
        }

        try
        {
            var startup = Stopwatch.StartNew();
            await using var runtime = await LocalRuntime.StartAsync(options, Console.Error, CancellationToken.None);
            Console.WriteLine(FormattableString.Invariant($"Telerad.Local started in {startup.Elapsed.TotalSeconds:0.0} s (Azurite pids {string.Join(' ', runtime.AzuriteProcessIds)}), activity concurrency {activityConcurrency}"));
            var bench = new Run(runtime);
            await bench.SummariseAsync(warmup + studies);
            if (warmup > 0)
            {
                await bench.OfferAsync(0, warmup, rate);
                Console.WriteLine(FormattableString.Invariant($"warm-up: {warmup} studies at {rate:0.#}/s"));
            }

            using var requests = args.Contains("--requests")
                ? new StorageRequestCounter(new Dictionary<int, string> { [ports[0]] = "blob", [ports[1]] = "queue", [ports[2]] = "table" })
                : null;
            requests?.Start();
            var load = MachineLoad.Start(runtime.AzuriteProcessIds);
            var measured = await bench.OfferAsync(warmup, studies, rate);
            var machine = load.Stop();
            var counts = requests?.Stop();
            measured.Print(studies, rate, machine);
            if (args.Contains("--phases"))
            {
                Console.WriteLine("where the time went (History table of the task hub):");
                await HistoryPhases.PrintAsync(
                    runtime.Storage.CreateTableServiceClient().GetTableClient(options.TaskHub + "History"),
                    measured.Started.Keys.Select(s => ReadStudy.InstanceId(Tenant, s)));
            }

            if (counts is not null)
            {
                Console.WriteLine(FormattableString.Invariant($"storage requests from this process: {counts.Values.Sum() / (double)studies:0.0} per study (the benchmark's own outbox polling included)"));
                foreach (var (kind, count) in counts.OrderByDescending(c => c.Value))
                {
                    Console.WriteLine(FormattableString.Invariant($"  {count / (double)studies,6:0.00}  {kind}"));
                }
            }
            return measured.Failed == 0 ? 0 : 1;
        }
        finally
        {
            try
            {
                if (args.Contains("--keep"))
                {
                    Console.WriteLine("kept " + folder);
                }
                else
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
            catch (IOException)
            {
                // Azurite may still be closing its files; a temp folder left behind is harmless.
            }
        }
    }

    /// <summary>The demo tenant and operations desk, with <paramref name="readers"/> around-the-clock readers who never fill up.</summary>
    private static void SeedReadingConfiguration(LocalOptions options, int readers)
    {
        _ = LocalReadingConfiguration.Open(options); // seeds the demo documents
        var radiologists = Enumerable.Range(1, readers).Select(i => new
        {
            id = $"rad-bench-{i:00}",
            displayName = $"Benchmark reader {i}",
            localId = $"BENCH-{i:00}",
            subspecialties = new[] { "neuro", "general", "chest" },
            licensedJurisdictions = new[] { "US-NY" },
            credentialedFacilities = new[] { "demo-hospital" },
            timeZone = "UTC",
            shifts = new[] { new { days = new[] { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" }, start = "00:00", end = "24:00" } },
            capacity = new { maxOpenStudies = 100_000, maxOpenRvus = 1_000_000 },
        });
        File.WriteAllText(
            Path.Combine(options.EffectiveReadingConfigFolder, ReadingConfigurationLoader.RadiologistsDocument),
            JsonSerializer.Serialize(new { radiologists }));
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static bool IsOptionValue(string[] args, string value)
    {
        var at = Array.IndexOf(args, value);
        return at > 0 && args[at - 1].StartsWith("--", StringComparison.Ordinal);
    }

    /// <summary>One runtime's studies: summaries written, reading started at a rate, offers collected from the outbox.</summary>
    private sealed class Run(LocalRuntime runtime)
    {
        private readonly IObjectStore _store = runtime.Services.GetRequiredService<IObjectStore>();
        private readonly ReadingStarter _starter = runtime.Services.GetRequiredService<ReadingStarter>();
        private readonly IOrchestrationGateway _engine = runtime.Services.GetRequiredService<IOrchestrationGateway>();
        private readonly TableClient _outbox = runtime.Storage.CreateTableServiceClient().GetTableClient(QueueNotificationPublisher.OutboxTable);

        private static string StudyKey(int i) => $"2.25.{9_000_000 + i}";

        public async Task SummariseAsync(int count)
        {
            var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                var summary = new StudySummary
                {
                    Tenant = Tenant,
                    StudyKey = StudyKey(i),
                    Modalities = ["CT"],
                    BodyPartExamined = "HEAD",
                    Series = [new SeriesSummary("2.25.7", "CT", 30, 30 * 525_000)],
                    OrderPriority = i % 10 == 0 ? "STAT" : "ROUTINE",
                    FacilityId = "demo-hospital",
                };
                using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(summary, json));
                await _store.WriteAsync(new ObjectRef(Containers.Deidentified, $"{Tenant}/{summary.StudyKey}/summary.json"), content, cancellationToken: ct);
            });
        }

        /// <summary>Starts studies [first, first + count) at <paramref name="rate"/> per second and waits for every offer.</summary>
        public async Task<Measurement> OfferAsync(int first, int count, double rate)
        {
            var started = new ConcurrentDictionary<string, (DateTimeOffset Called, DateTimeOffset Returned)>(StringComparer.Ordinal);
            var failed = 0;
            var pace = Stopwatch.StartNew();
            var starts = new List<Task>(count);
            for (var i = 0; i < count; i++)
            {
                var due = TimeSpan.FromSeconds(i / rate);
                if (due > pace.Elapsed)
                {
                    await Task.Delay(due - pace.Elapsed);
                }

                var study = StudyKey(first + i);
                starts.Add(Task.Run(async () =>
                {
                    var called = DateTimeOffset.UtcNow;
                    var result = await _starter.StartAsync(new StartReadingRequest(Tenant, study), _engine);
                    if (result.Outcome != StartReadingResult.Started)
                    {
                        Console.Error.WriteLine($"study {study}: {result.Outcome} {result.Code}");
                        Interlocked.Increment(ref failed);
                    }

                    started[study] = (called, DateTimeOffset.UtcNow);
                }));
            }

            var offeredSeconds = pace.Elapsed.TotalSeconds;
            await Task.WhenAll(starts);
            var offers = await WaitForOffersAsync([.. started.Keys], TimeSpan.FromSeconds(60 + (count / rate * 3)));
            return new Measurement(started, offers, failed, offeredSeconds);
        }

        private async Task<Dictionary<string, (DateTimeOffset Created, DateTimeOffset Queued)>> WaitForOffersAsync(IReadOnlyCollection<string> studies, TimeSpan timeout)
        {
            var wanted = studies.ToHashSet(StringComparer.Ordinal);
            var found = new Dictionary<string, (DateTimeOffset, DateTimeOffset)>(StringComparer.Ordinal);
            var clock = Stopwatch.StartNew();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {NotificationTopics.Radiologists} and Kind eq {NotificationKinds.AssignmentOffered} and Sent eq true");
            while (found.Count < wanted.Count && clock.Elapsed < timeout)
            {
                try
                {
                    await foreach (var row in _outbox.QueryAsync<TableEntity>(filter, select: ["StudyKey", "CreatedUtc", "Timestamp"]))
                    {
                        if (row.GetString("StudyKey") is { } study && wanted.Contains(study) && row.GetDateTimeOffset("CreatedUtc") is { } created && row.Timestamp is { } queued)
                        {
                            found[study] = (created, queued);
                        }
                    }
                }
                catch (global::Azure.RequestFailedException e) when (e.Status == 404)
                {
                    // The publisher creates the outbox with its first notification.
                }

                if (found.Count < wanted.Count)
                {
                    await Task.Delay(500);
                }
            }

            return found;
        }
    }

    private sealed record Measurement(
        IReadOnlyDictionary<string, (DateTimeOffset Called, DateTimeOffset Returned)> Started,
        IReadOnlyDictionary<string, (DateTimeOffset Created, DateTimeOffset Queued)> Offers,
        int Failed,
        double OfferedSeconds)
    {
        public void Print(int studies, double rate, MachineLoad machine)
        {
            var missing = Started.Keys.Count(s => !Offers.ContainsKey(s));
            var both = Started.Keys.Where(Offers.ContainsKey).OrderBy(s => Started[s].Called).ToList();
            var notified = new Latencies(both.Select(s => (Offers[s].Created - Started[s].Called).TotalMilliseconds));
            var queued = new Latencies(both.Select(s => (Offers[s].Queued - Started[s].Called).TotalMilliseconds));
            var starter = new Latencies(Started.Values.Select(v => (v.Returned - v.Called).TotalMilliseconds));
            var engine = new Latencies(both.Select(s => (Offers[s].Created - Started[s].Returned).TotalMilliseconds));
            var last = Offers.Values.Max(o => o.Created);
            var firstCall = Started.Values.Min(v => v.Called);
            Console.WriteLine(FormattableString.Invariant($"{studies} studies offered at {rate:0.#}/s (achieved {studies / OfferedSeconds:0.0}/s) to ReadStudyV1 on the persistent local engine (DTFx, Azure Storage backend on Azurite)"));
            Console.WriteLine(FormattableString.Invariant($"notified {both.Count}, missing {missing}, starts refused {Failed}; the last offer {(last - firstCall).TotalSeconds:0.0} s after the first start"));
            Console.WriteLine($"start -> notified (notify activity ran): {notified}   (target p95 <= 2000 ms)");
            Console.WriteLine($"start -> queued (outbox row marked sent): {queued}");
            Console.WriteLine($"  of which ReadingStarter.StartAsync (summary, config, worklist row, engine start): {starter}");
            Console.WriteLine($"  of which engine start -> notified (5 orchestration steps, 4 activities, then notify): {engine}");
            var tenth = Math.Max(1, both.Count / 10);
            Console.WriteLine(FormattableString.Invariant(
                $"  trend: p95 of the first tenth {new Latencies(both.Take(tenth).Select(s => (Offers[s].Created - Started[s].Called).TotalMilliseconds)).P95:0} ms, of the last tenth {new Latencies(both.TakeLast(tenth).Select(s => (Offers[s].Created - Started[s].Called).TotalMilliseconds)).P95:0} ms"));
            Console.WriteLine(machine.Describe(studies));
            Console.WriteLine(FormattableString.Invariant($"RESULT engine=local studies={studies} rate={rate:0.#} p50={notified.P50:0} p95={notified.P95:0} max={notified.Max:0} queuedP95={queued.P95:0} starterP95={starter.P95:0} missing={missing} cpuMsPerStudy={machine.CpuMilliseconds / studies:0.00} azuriteCpuMsPerStudy={machine.HelperCpuMilliseconds / studies:0.00} load={machine.LoadBefore:0.00}/{machine.LoadAfter:0.00}"));
        }
    }
}
