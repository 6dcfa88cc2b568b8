namespace Telerad.Workflow;

/// <summary>
/// The StudyAssemblyV1 orchestrator. Deterministic: time only from the context, no I/O. Each batch of work,
/// and every <see cref="MaxEventsPerRun"/> events, ends the run with ContinueAsNew carrying the (small) state, so
/// the history stays short however many instances a study has.
/// </summary>
[DurableTask(StudyAssembly.OrchestratorName)]
public sealed class StudyAssemblyOrchestrator : TaskOrchestrator<StudyAssemblyInput, StudySummary?>
{
    public const int MaxEventsPerRun = 200;

    public override async Task<StudySummary?> RunAsync(TaskOrchestrationContext context, StudyAssemblyInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var quietPeriod = TimeSpan.FromSeconds(Math.Max(1, input.QuietPeriodSeconds));
        var state = input.State;
        var pending = new Dictionary<string, int>(state?.Pending ?? new Dictionary<string, int>(), StringComparer.Ordinal);
        var done = new Dictionary<string, int>(state?.Done ?? new Dictionary<string, int>(), StringComparer.Ordinal);
        var results = new List<DeidentifiedInstance>(state?.Results ?? []);
        var expected = state?.Expected ?? 0;
        var reported = state?.Reported ?? input.LateRun;
        var late = state?.Late ?? 0;
        var events = 0;

        while (true)
        {
            var ready = expected > 0 && pending.Count > 0 && done.Count + pending.Count >= expected;
            if (!ready)
            {
                using var timerCancellation = new CancellationTokenSource();
                var quiet = context.CreateTimer(context.CurrentUtcDateTime.Add(quietPeriod), timerCancellation.Token);
                var arrival = context.WaitForExternalEvent<StudyEvent>(StudyAssembly.EventName, timerCancellation.Token);
                context.SetCustomStatus($"waiting p={pending.Count} d={done.Count}");
                if (await Task.WhenAny(arrival, quiet) == arrival)
                {
                    // Synchronous on purpose: CancelAsync runs the timer's cancellation on the thread pool, outside the
                    // orchestrator's single-threaded replay, and the next timer then never fires.
                    timerCancellation.Cancel();
                    var evt = await arrival;
                    events++;
                    if (evt.Kind == StudyEvent.ManifestLanded)
                    {
                        expected = Math.Max(expected, evt.ExpectedInstances);
                    }
                    else if (evt.SopKey is { } sop && (!done.TryGetValue(sop, out var version) || version < evt.Version))
                    {
                        pending[sop] = evt.Version;
                        late += reported ? 1 : 0;
                    }

                    if (events >= MaxEventsPerRun)
                    {
                        context.ContinueAsNew(Carry(input, pending, done, results, expected, reported, late), preserveUnprocessedEvents: true);
                        return null;
                    }

                    continue;
                }

                if (pending.Count == 0)
                {
                    // Quiet, and nothing left to do: the study is complete.
                    return StudySummary.From(input.Tenant, input.StudyKey, results, lateInstances: late);
                }
            }

            context.SetCustomStatus($"processing {pending.Count}");
            var batch = pending.ToList();
            var deidentified = await Task.WhenAll(batch.Select(p => context.CallActivityAsync<DeidentifiedInstance>(
                StudyAssembly.DeidentifyActivityName, new DeidentifyRequest(input.Tenant, input.StudyKey, p.Key, p.Value), input.Retry.ToTaskOptions())));
            pending.Clear();
            foreach (var (sop, version) in batch)
            {
                done[sop] = version;
            }

            results.RemoveAll(r => batch.Any(b => b.Key == r.SopKey));
            results.AddRange(deidentified);
            await context.CallActivityAsync<StudySummary>(
                StudyAssembly.PublishSummaryActivityName, new PublishSummaryRequest(input.Tenant, input.StudyKey, results, late), input.Retry.ToTaskOptions());
            context.ContinueAsNew(Carry(input, pending, done, results, expected, reported: true, late), preserveUnprocessedEvents: true);
            return null;
        }
    }

    private static StudyAssemblyInput Carry(
        StudyAssemblyInput input, Dictionary<string, int> pending, Dictionary<string, int> done, List<DeidentifiedInstance> results, int expected, bool reported, int late) =>
        input with { State = new StudyAssemblyState(new Dictionary<string, int>(pending), new Dictionary<string, int>(done), [.. results], expected, reported, late, 0) };
}
