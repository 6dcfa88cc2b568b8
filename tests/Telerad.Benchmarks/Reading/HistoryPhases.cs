using System.Globalization;
using Azure.Data.Tables;

namespace Telerad.Benchmarks.Reading;

/// <summary>
/// Where a study's time went on the Azure Storage backend, from the task hub's History table (every event row carries
/// the event's time, <c>_Timestamp</c>, and the row's write time, <c>Timestamp</c>): the wait for the first orchestration
/// step, each activity from scheduled to completed (work-item queue, run, reply), each completed activity to the next
/// orchestration step (control queue, history load), a step's run, and the history write that ends it.
/// A diagnostic (`reading-local --phases`), read after the measurement so it does not disturb it.
/// </summary>
internal static class HistoryPhases
{
    public static async Task PrintAsync(TableClient history, IEnumerable<string> instanceIds)
    {
        var phases = new Dictionary<string, List<double>>(StringComparer.Ordinal)
        {
            ["start -> first orchestration step"] = [],
            ["activity: scheduled -> completed"] = [],
            ["activity completed -> next orchestration step"] = [],
            ["orchestration step: run"] = [],
            ["orchestration step: history write"] = [],
        };
        await Parallel.ForEachAsync(instanceIds, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (id, ct) =>
        {
            var events = new List<(string Type, DateTime At, DateTimeOffset Written)>();
            await foreach (var row in history.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}"), cancellationToken: ct))
            {
                if (row.GetString("EventType") is { } type && row.GetDateTime("_Timestamp") is { } at && row.Timestamp is { } written)
                {
                    events.Add((type, at, written));
                }
            }

            lock (phases)
            {
                Collect(events, phases);
            }
        });

        foreach (var (name, values) in phases.Where(p => p.Value.Count > 0))
        {
            var latencies = new Latencies(values);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-48} n={values.Count,5}  mean {values.Average(),5:0} ms, {latencies}"));
        }
    }

    /// <summary>Events in history order (the RowKey order the query returns).</summary>
    private static void Collect(List<(string Type, DateTime At, DateTimeOffset Written)> events, Dictionary<string, List<double>> phases)
    {
        static double Ms(DateTime from, DateTime to) => (to - from).TotalMilliseconds;
        DateTime? scheduled = null, stepStarted = null;
        var firstStep = true;
        for (var i = 0; i < events.Count; i++)
        {
            var (type, at, written) = events[i];
            switch (type)
            {
                case "ExecutionStarted": // stored after the first OrchestratorStarted, with the time the start was requested
                    if (firstStep && stepStarted is { } s)
                    {
                        phases["start -> first orchestration step"].Add(Ms(at, s));
                        firstStep = false;
                    }

                    break;
                case "OrchestratorStarted":
                    stepStarted = at;
                    if (i + 1 < events.Count && events[i + 1].Type == "TaskCompleted")
                    {
                        phases["activity completed -> next orchestration step"].Add(Ms(events[i + 1].At, at));
                    }

                    break;
                case "TaskScheduled":
                    scheduled = at;
                    break;
                case "TaskCompleted" when scheduled is { } sent:
                    phases["activity: scheduled -> completed"].Add(Ms(sent, at));
                    break;
                case "OrchestratorCompleted" when stepStarted is { } began:
                    phases["orchestration step: run"].Add(Ms(began, at));
                    phases["orchestration step: history write"].Add((written.UtcDateTime - at).TotalMilliseconds);
                    break;
            }
        }
    }
}
