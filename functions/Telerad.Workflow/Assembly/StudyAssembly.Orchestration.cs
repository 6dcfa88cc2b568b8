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

    /// <summary>How many times in a row a late quiet timer restarts the quiet period before the study completes anyway.</summary>
    public const int MaxLateTimerRestarts = 3;

    public override async Task<StudySummary?> RunAsync(TaskOrchestrationContext context, StudyAssemblyInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        if (input.DeidentifyWhileArriving && input.DeidentifyBatch > 0)
        {
            return await RunWhileArrivingAsync(context, input);
        }

        // Runs started before de-identification overlapped the upload replay the loop they ran.
        var quietPeriod = TimeSpan.FromSeconds(Math.Max(1, input.QuietPeriodSeconds));
        var state = input.State;
        var pending = new Dictionary<string, int>(state?.Pending ?? new Dictionary<string, int>(), StringComparer.Ordinal);
        var done = new Dictionary<string, int>(state?.Done ?? new Dictionary<string, int>(), StringComparer.Ordinal);
        var expected = state?.Expected ?? 0;

        // A late run (the study completed before) reports everything it de-identifies as late.
        var reported = state?.Reported ?? input.LateRun;
        var events = 0;
        var lateTimerRestarts = 0;
        var log = context.CreateReplaySafeLogger<StudyAssemblyOrchestrator>();

        // One waiter at a time, kept until an event completes it. The SDK hands each event to the newest waiter it has,
        // cancelled or not, so a waiter left behind when the quiet timer wins would swallow the next event (an instance
        // signalled while a batch runs would be found only by the registry check before completion).
        Task<StudyEvent>? arrival = null;

        while (true)
        {
            var ready = expected > 0 && pending.Count > 0 && done.Count + pending.Count >= expected;
            if (!ready)
            {
                (arrival, var lateness) = await WaitQuietlyAsync(context, quietPeriod, arrival, $"waiting p={pending.Count} d={done.Count}");
                if (lateness is null)
                {
                    Apply(await arrival, pending, done, ref expected);
                    arrival = null;
                    events++;
                    lateTimerRestarts = 0;
                    if (events >= MaxEventsPerRun)
                    {
                        context.ContinueAsNew(Carry(input, pending, done, expected, reported), preserveUnprocessedEvents: true);
                        return null;
                    }

                    continue;
                }

                if (IsLate(lateness.Value, quietPeriod) && lateTimerRestarts < MaxLateTimerRestarts)
                {
                    // The timer fired long after it was due: the host was down or starved, so nobody was listening for
                    // this study's instances during part of its quiet period (their signals may be queued behind the
                    // outage). Quiet must mean "listened and heard nothing": start the period again from now.
                    lateTimerRestarts++;
                    WorkflowLog.QuietPeriodRestarted(log, input.StudyKey, input.Tenant, (int)lateness.Value.TotalSeconds);
                    continue;
                }

                if (pending.Count == 0)
                {
                    // Quiet, and nothing announced is left to do. Signals only wake the study; the registry is the truth,
                    // and an instance whose signal was lost (a crash between registering it and signalling) is still
                    // this run's, not a late one.
                    if (!await TakeUnsignalledAsync(context, input, pending, done))
                    {
                        return await FinishAsync(context, input, done, expected);
                    }
                }
            }

            context.SetCustomStatus($"processing {pending.Count}");
            var lateNote = reported ? " (late)" : string.Empty;
            WorkflowLog.BatchStarted(log, input.StudyKey, input.Tenant, pending.Count, lateNote);
            var batch = pending.ToList();
            await DeidentifyAsync(context, input, batch, reported);
            pending.Clear();
            foreach (var (sop, version) in batch)
            {
                done[sop] = version;
            }

            if (arrival is { IsCompleted: true })
            {
                // An event that came while the batch ran: this run's, like any other.
                Apply(await arrival, pending, done, ref expected);
                arrival = null;
                events++;
            }

            if (expected > 0 && done.Count >= expected)
            {
                // The manifest's instances are all here: complete now rather than after the quiet period (after the
                // registry's unsignalled instances, if any). Anything that still arrives starts a late run.
                if (await TakeUnsignalledAsync(context, input, pending, done))
                {
                    continue;
                }

                return await FinishAsync(context, input, done, expected);
            }

            // Not complete yet: the study is complete only after a quiet period with nothing left to do. Instances still
            // arriving now (after an outage their signals come in a burst) belong to this run, not to a late one.
            if (arrival is not null)
            {
                // Its waiter is still open and would swallow an event that reaches this run after ContinueAsNew: keep
                // listening in this run instead (the next run starts after the next event or batch).
                continue;
            }

            context.ContinueAsNew(Carry(input, pending, done, expected, reported), preserveUnprocessedEvents: true);
            return null;
        }
    }

    /// <summary>
    /// The loop of runs that de-identify while the upload arrives (<see cref="StudyAssemblyInput.DeidentifyWhileArriving"/>).
    /// A batch starts as soon as <see cref="StudyAssemblyInput.DeidentifyBatch"/> instances wait, and the run goes on
    /// listening while batches run, so by the time the manifest lands most of the study is de-identified already; the
    /// rest (a partial batch) starts when the manifest's instances are all here or the quiet period ends. Completion is
    /// unchanged: all the manifest's instances done (after the registry check), or a quiet period with nothing left to do.
    /// The quiet period only runs while no batch does: a study being worked on is not quiet.
    /// </summary>
    private static async Task<StudySummary?> RunWhileArrivingAsync(TaskOrchestrationContext context, StudyAssemblyInput input)
    {
        var quietPeriod = TimeSpan.FromSeconds(Math.Max(1, input.QuietPeriodSeconds));
        var state = input.State;
        var pending = new Dictionary<string, int>(state?.Pending ?? new Dictionary<string, int>(), StringComparer.Ordinal);
        var done = new Dictionary<string, int>(state?.Done ?? new Dictionary<string, int>(), StringComparer.Ordinal);
        var expected = state?.Expected ?? 0;
        var reported = state?.Reported ?? input.LateRun;
        var running = new RunningBatches();
        var events = 0;
        var lateTimerRestarts = 0;
        var log = context.CreateReplaySafeLogger<StudyAssemblyOrchestrator>();

        // One waiter at a time, kept until an event completes it (see RunAsync: the SDK hands an event to the newest
        // waiter, cancelled or not). A run ends with ContinueAsNew only when no waiter is open and no batch runs.
        Task<StudyEvent>? arrival = null;

        while (true)
        {
            var allArrived = expected > 0 && done.Count + running.Instances + pending.Count >= expected;
            StartBatches(context, input, pending, running, reported, partial: allArrived);

            if (running.Count > 0)
            {
                arrival ??= context.WaitForExternalEvent<StudyEvent>(StudyAssembly.EventName);
                context.SetCustomStatus($"de-identifying r={running.Instances} p={pending.Count} d={done.Count}");
                var next = await Task.WhenAny([arrival, .. running.Tasks]);
                if (next != arrival)
                {
                    await running.CompleteAsync(next, done); // rethrows a batch that failed after its retries
                    continue;
                }

                Take(await arrival, pending, done, running, ref expected);
                arrival = null;
                events++;
                if (events >= MaxEventsPerRun)
                {
                    // Keep the history short: let the running batches finish (no waiter is open, so events queue for
                    // the next run), then carry on in a new run.
                    await running.CompleteAllAsync(done);
                    context.ContinueAsNew(Carry(input, pending, done, expected, reported), preserveUnprocessedEvents: true);
                    return null;
                }

                continue;
            }

            if (expected > 0 && pending.Count == 0 && done.Count >= expected)
            {
                // The manifest's instances are all done: complete now (after the registry's unsignalled ones, if any).
                if (await TakeUnsignalledAsync(context, input, pending, done))
                {
                    StartBatches(context, input, pending, running, reported, partial: true);
                    continue;
                }

                return await FinishAsync(context, input, done, expected);
            }

            (arrival, var lateness) = await WaitQuietlyAsync(context, quietPeriod, arrival, $"waiting p={pending.Count} d={done.Count}");
            if (lateness is null)
            {
                Take(await arrival, pending, done, running, ref expected);
                arrival = null;
                events++;
                lateTimerRestarts = 0;
                if (events >= MaxEventsPerRun)
                {
                    context.ContinueAsNew(Carry(input, pending, done, expected, reported), preserveUnprocessedEvents: true);
                    return null;
                }

                continue;
            }

            if (IsLate(lateness.Value, quietPeriod) && lateTimerRestarts < MaxLateTimerRestarts)
            {
                lateTimerRestarts++;
                WorkflowLog.QuietPeriodRestarted(log, input.StudyKey, input.Tenant, (int)lateness.Value.TotalSeconds);
                continue;
            }

            if (pending.Count == 0 && !await TakeUnsignalledAsync(context, input, pending, done))
            {
                return await FinishAsync(context, input, done, expected);
            }

            // Quiet with instances waiting (a partial batch, or the registry's unsignalled ones): de-identify them now.
            // The study completes after the next quiet period with nothing left, or when the manifest's count is done.
            WorkflowLog.BatchStarted(log, input.StudyKey, input.Tenant, pending.Count, reported ? " (late)" : string.Empty);
            StartBatches(context, input, pending, running, reported, partial: true);
        }
    }

    /// <summary>
    /// Waits for the next event or the end of a quiet period, scheduling as runs always have: the timer, then the waiter
    /// (unless one is still open), then the wait. Returns the waiter (still open when the timer won) and how late the
    /// timer fired; no lateness means the event came first.
    /// </summary>
    private static async Task<(Task<StudyEvent> Arrival, TimeSpan? Lateness)> WaitQuietlyAsync(TaskOrchestrationContext context, TimeSpan quietPeriod, Task<StudyEvent>? arrival, string status)
    {
        using var timerCancellation = new CancellationTokenSource();
        var quietUntil = context.CurrentUtcDateTime.Add(quietPeriod);
        var quiet = context.CreateTimer(quietUntil, timerCancellation.Token);
        arrival ??= context.WaitForExternalEvent<StudyEvent>(StudyAssembly.EventName);
        context.SetCustomStatus(status);
        if (await Task.WhenAny(arrival, quiet) == arrival)
        {
            // Synchronous on purpose: CancelAsync runs the timer's cancellation on the thread pool, outside the
            // orchestrator's single-threaded replay, and the next timer then never fires.
            timerCancellation.Cancel();
            return (arrival, null);
        }

        return (arrival, context.CurrentUtcDateTime - quietUntil);
    }

    /// <summary>Starts a batch for every full batch of waiting instances, and for the rest when <paramref name="partial"/>.</summary>
    private static void StartBatches(TaskOrchestrationContext context, StudyAssemblyInput input, Dictionary<string, int> pending, RunningBatches running, bool late, bool partial)
    {
        while (pending.Count >= input.DeidentifyBatch || (partial && pending.Count > 0))
        {
            // Ordered by key, not by the dictionary's order: the same on every replay however the entries got there.
            var batch = pending.OrderBy(p => p.Key, StringComparer.Ordinal).Take(input.DeidentifyBatch).Select(p => new InstanceVersion(p.Key, p.Value)).ToArray();
            foreach (var instance in batch)
            {
                pending.Remove(instance.SopKey);
            }

            running.Add(
                context.CallActivityAsync<DeidentifyBatchResult>(
                    StudyAssembly.DeidentifyBatchActivityName, new DeidentifyBatchRequest(input.Tenant, input.StudyKey, batch, late), input.Retry.ToTaskOptions()),
                batch);
        }
    }

    /// <summary>As <see cref="Apply"/>, and an instance version already being de-identified is not new either.</summary>
    private static void Take(StudyEvent evt, Dictionary<string, int> pending, Dictionary<string, int> done, RunningBatches running, ref int expected)
    {
        var announced = evt.Announced().ToList();
        var fresh = announced.Where(i => !running.Has(i.SopKey, i.Version)).ToList();
        Apply(fresh.Count == announced.Count ? evt : evt with { Kind = StudyEvent.InstancesAccepted, SopKey = null, Version = 0, Instances = fresh }, pending, done, ref expected);
    }

    /// <summary>De-identifies the instances: in batches of <see cref="StudyAssemblyInput.DeidentifyBatch"/>, or one activity each (runs started before batches).</summary>
    private static Task DeidentifyAsync(TaskOrchestrationContext context, StudyAssemblyInput input, List<KeyValuePair<string, int>> instances, bool late)
    {
        var options = input.Retry.ToTaskOptions();
        if (input.DeidentifyBatch <= 0)
        {
            return Task.WhenAll(instances.Select(p => context.CallActivityAsync<DeidentifiedInstance>(
                StudyAssembly.DeidentifyActivityName, new DeidentifyRequest(input.Tenant, input.StudyKey, p.Key, p.Value, Late: late), options)));
        }

        return Task.WhenAll(instances.Chunk(input.DeidentifyBatch).Select(chunk => context.CallActivityAsync<DeidentifyBatchResult>(
            StudyAssembly.DeidentifyBatchActivityName,
            new DeidentifyBatchRequest(input.Tenant, input.StudyKey, [.. chunk.Select(p => new InstanceVersion(p.Key, p.Value))], late),
            options)));
    }

    /// <summary>
    /// Puts the registry's instances that are neither done nor pending into <paramref name="pending"/>; true if there
    /// were any. A study asks before it completes, so an instance whose signal never came is de-identified in this run.
    /// </summary>
    private static async Task<bool> TakeUnsignalledAsync(TaskOrchestrationContext context, StudyAssemblyInput input, Dictionary<string, int> pending, Dictionary<string, int> done)
    {
        var unprocessed = await FindUnprocessedAsync(context, input, done);
        foreach (var (sop, version) in unprocessed)
        {
            pending[sop] = version;
        }

        if (unprocessed.Count > 0)
        {
            WorkflowLog.UnsignalledInstancesFound(context.CreateReplaySafeLogger<StudyAssemblyOrchestrator>(), input.StudyKey, input.Tenant, unprocessed.Count);
        }

        return unprocessed.Count > 0;
    }

    /// <summary>The registry's instances whose current version this run has not de-identified itself: a registry that
    /// disagrees with what was just done must not send the study round again.</summary>
    private static async Task<Dictionary<string, int>> FindUnprocessedAsync(TaskOrchestrationContext context, StudyAssemblyInput input, Dictionary<string, int> done)
    {
        var unprocessed = await context.CallActivityAsync<Dictionary<string, int>>(
            StudyAssembly.FindUnprocessedActivityName, new FindUnprocessedRequest(input.Tenant, input.StudyKey), input.Retry.ToTaskOptions());
        foreach (var (sop, version) in unprocessed.ToList())
        {
            if (done.TryGetValue(sop, out var finished) && finished >= version)
            {
                unprocessed.Remove(sop);
            }
        }

        return unprocessed;
    }

    /// <summary>
    /// Completes the study, unless an instance arrived while it was completing: its signal reached this run as it ended
    /// (and would be dropped with it), but the registry has it, so the study goes on as a late run with it.
    /// </summary>
    private static async Task<StudySummary?> FinishAsync(TaskOrchestrationContext context, StudyAssemblyInput input, Dictionary<string, int> done, int expected)
    {
        var summary = await CompleteAsync(context, input);
        var missed = await FindUnprocessedAsync(context, input, done);
        if (missed.Count == 0)
        {
            return summary;
        }

        context.SetCustomStatus($"late {missed.Count}");
        context.ContinueAsNew(Carry(input, new Dictionary<string, int>(missed, StringComparer.Ordinal), done, expected, reported: true), preserveUnprocessedEvents: true);
        return null;
    }

    /// <summary>
    /// The study is assembled: triage it, then publish the summary (which carries triage's conclusion). Triage never
    /// blocks a study: if its activity fails after its retries, the summary says "not analysed" and why.
    /// The summary is the registry's, so a late run reports the whole study, not only what it saw.
    /// </summary>
    private static async Task<StudySummary> CompleteAsync(TaskOrchestrationContext context, StudyAssemblyInput input)
    {
        var log = context.CreateReplaySafeLogger<StudyAssemblyOrchestrator>();
        context.SetCustomStatus("triaging");
        string? triageFailure = null;
        try
        {
            await context.CallActivityAsync<StudyTriageSummary>(TriageStudy.ActivityName, new TriageStudyRequest(input.Tenant, input.StudyKey), input.Retry.ToTaskOptions());
        }
        catch (TaskFailedException e)
        {
            triageFailure = e.FailureDetails.ErrorType;
            WorkflowLog.TriageFailed(log, input.StudyKey, input.Tenant, triageFailure);
        }

        var summary = await context.CallActivityAsync<StudySummary>(
            StudyAssembly.PublishSummaryActivityName, new PublishSummaryRequest(input.Tenant, input.StudyKey, triageFailure), input.Retry.ToTaskOptions());
        WorkflowLog.StudyCompleted(log, input.StudyKey, input.Tenant, summary.Instances);

        // The hand-off to reading. Its own failures (after retries) must not fail the assembled study: the study stays
        // de-identified and summarised, and the starter has already alerted operations for anything it refused.
        try
        {
            await context.CallActivityAsync<StartReadingResult>(StartReading.ActivityName, new StartReadingRequest(input.Tenant, input.StudyKey), input.Retry.ToTaskOptions());
        }
        catch (TaskFailedException e)
        {
            WorkflowLog.ReadingStartFailed(log, input.StudyKey, input.Tenant, e.FailureDetails.ErrorType);
        }

        context.SetCustomStatus("complete");
        return summary;
    }

    /// <summary>
    /// A quiet timer is late when it fired more than a quarter of the quiet period (at least two seconds) after it was
    /// due: ordinary timer dispatch is well under a second; an outage or a starved host is much more.
    /// </summary>
    internal static bool IsLate(TimeSpan lateness, TimeSpan quietPeriod) =>
        lateness > TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(2).Ticks, quietPeriod.Ticks / 4));

    /// <summary>Takes an event into the run's state: a manifest's count, or the instance versions not yet seen.</summary>
    private static void Apply(StudyEvent evt, Dictionary<string, int> pending, Dictionary<string, int> done, ref int expected)
    {
        if (evt.Kind == StudyEvent.ManifestLanded)
        {
            expected = Math.Max(expected, evt.ExpectedInstances);
            return;
        }

        foreach (var (sop, version) in evt.Announced())
        {
            if (IsNew(sop, version, pending, done))
            {
                pending[sop] = version;
            }
        }
    }

    /// <summary>An event is redundant when that version (or a newer one) is already pending or done: signals repeat on redelivery.</summary>
    private static bool IsNew(string sop, int version, Dictionary<string, int> pending, Dictionary<string, int> done) =>
        (!pending.TryGetValue(sop, out var waiting) || waiting < version) && (!done.TryGetValue(sop, out var finished) || finished < version);

    private static StudyAssemblyInput Carry(StudyAssemblyInput input, Dictionary<string, int> pending, Dictionary<string, int> done, int expected, bool reported) =>
        input with { State = new StudyAssemblyState(new Dictionary<string, int>(pending), new Dictionary<string, int>(done), expected, reported) };
}
