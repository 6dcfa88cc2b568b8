using Telerad.Notifications;

namespace Telerad.Workflow;

/// <summary>
/// The ReadStudyV1 orchestrator. Deterministic: time only from the context, no I/O. Every wait is one event wait raced
/// against one timer, and the loser is cancelled at once (timers no longer needed do not linger). Each assignment is one
/// run, and a phase that sees <see cref="MaxWaitsPerRun"/> events continues as new, so the history stays short.
/// </summary>
[DurableTask(ReadStudy.OrchestratorName)]
public sealed class ReadStudyOrchestrator : TaskOrchestrator<ReadStudyInput, ReadingOutcome?>
{
    public const int MaxWaitsPerRun = 50;

    public override async Task<ReadingOutcome?> RunAsync(TaskOrchestrationContext context, ReadStudyInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var steps = new ReadingSteps(context, input);
        var state = input.State ?? await steps.StartAsync();
        if (state.Phase == ReadingState.Assigning)
        {
            state = await steps.AssignAsync(state);
            if (state.Phase == ReadingOutcome.Cancelled)
            {
                return await steps.CancelledAsync(state);
            }

            if (state.Phase == ReadingState.Assigning)
            {
                return steps.ContinueWith(state); // nobody yet: try again in the next run
            }
        }

        var result = state.Phase == ReadingState.Offered ? await steps.AwaitAcceptAsync(state) : new PhaseResult(state, null);
        if (result.Outcome is not null || result.State.Phase != ReadingState.Accepted)
        {
            return result.Outcome ?? steps.ContinueWith(result.State);
        }

        result = await steps.AwaitReportAsync(result.State);
        return result.Outcome ?? steps.ContinueWith(result.State);
    }

    /// <summary>The state after a phase, or the reading's end.</summary>
    private sealed record PhaseResult(ReadingState State, ReadingOutcome? Outcome);

    /// <summary>The steps of a reading, over one orchestrator execution (replayed deterministically).</summary>
    private sealed class ReadingSteps(TaskOrchestrationContext context, ReadStudyInput input)
    {
        private readonly ReadingPolicy _policy = input.Policy;

        private TaskOptions Options => _policy.Retry.ToTaskOptions();

        /// <summary>Priority (the order's, or STAT for an AI critical flag, with the reason) and the SLA from the contract.</summary>
        public async Task<ReadingState> StartAsync()
        {
            var priority = ReadingPriorities.FromOrder(input.OrderPriority);
            var reason = "order-" + priority.ToLowerInvariant();
            if (input.Upgrade is { To: PriorityUpgrade.Stat } && priority != ReadingPriorities.Stat)
            {
                (priority, reason) = (ReadingPriorities.Stat, "ai-critical-upgrade");
            }

            var start = context.CurrentUtcDateTime;
            var deadline = start + _policy.Turnaround[priority];
            var state = new ReadingState
            {
                Phase = ReadingState.Assigning,
                Priority = priority,
                PriorityReason = reason,
                DeadlineUtc = deadline,
                WarningUtc = start + ((deadline - start) * _policy.WarningFraction),
            };
            // In order, not together (Task.WhenAll was tried: within noise on the benchmark).
            await AuditAsync(state, "reading.priority", "system", $"{priority}:{reason}");
            await ProjectAsync(state, WorklistStatus.Unassigned);
            if (input.Upgrade is not null)
            {
                await CriticalResultHook.AiFlagAsync(context, input, Options); // never a result: at most a labelled heads-up
            }

            return state;
        }

        /// <summary>Assigns and notifies; with nobody eligible, alerts operations and waits for their choice or the retry time.</summary>
        public async Task<ReadingState> AssignAsync(ReadingState state)
        {
            state = state with { Assignment = state.Assignment + 1 };
            var decision = await context.CallActivityAsync<AssignmentDecision>(
                ReadStudy.AssignActivityName, new AssignReaderRequest(input.Tenant, input.StudyKey, state.Priority, state.Assignment, state.Excluded, state.Requested), Options);
            if (decision.RadiologistId is { } reader)
            {
                state = state with { Phase = ReadingState.Offered, Reader = reader, Requested = null, Reminders = 0 };
                // In order, not together: the API checks the row before it takes an accept, so the row must say Offered
                // before the reader can have the link.
                await ProjectAsync(state, WorklistStatus.Offered);
                await NotifyAsync(state, NotificationKinds.AssignmentOffered, reader, $"a{state.Assignment}");
                return state;
            }

            await ProjectAsync(state, WorklistStatus.Unassigned);
            await NotifyAsync(state, NotificationKinds.NoEligibleRadiologist, null, $"a{state.Assignment}", decision.Explanation);
            var evt = await WaitAsync(context.CurrentUtcDateTime + _policy.NoReaderRetryInterval);
            return evt switch
            {
                { Kind: ReadingEvent.Cancel } => state with { Phase = ReadingOutcome.Cancelled, Requested = null },
                { Kind: ReadingEvent.Assign, RadiologistId: { } chosen } => state with { Requested = chosen },
                _ => state with { Requested = null },
            };
        }

        /// <summary>Offered: accept, decline, silence (reminders, then someone else, never back to the silent reader), operations' reassignment, cancel.</summary>
        public async Task<PhaseResult> AwaitAcceptAsync(ReadingState state)
        {
            var reader = state.Reader!;
            for (var wait = 0; wait < MaxWaitsPerRun; wait++)
            {
                var evt = await WaitAsync(context.CurrentUtcDateTime + _policy.AcceptReminderInterval);
                if (evt is null)
                {
                    state = state with { Reminders = state.Reminders + 1 };
                    if (state.Reminders <= _policy.MaxSilentReminders)
                    {
                        await NotifyAsync(state, NotificationKinds.Reminder, reader, $"a{state.Assignment}-r{state.Reminders}");
                        continue;
                    }

                    await NotifyAsync(state, NotificationKinds.AssignmentWithdrawn, reader, $"a{state.Assignment}");
                    await NotifyAsync(state, NotificationKinds.ReassignedAfterSilence, null, $"a{state.Assignment}", $"no answer after {_policy.MaxSilentReminders} reminders");
                    await AuditAsync(state, "reading.reassigned", "system", "silent");
                    return new PhaseResult(Reassign(state, exclude: true), null);
                }

                switch (evt.Kind)
                {
                    case ReadingEvent.Cancel:
                        return new PhaseResult(state, await CancelledAsync(state));
                    case ReadingEvent.Assign when evt.RadiologistId is { } other:
                        await NotifyAsync(state, NotificationKinds.AssignmentWithdrawn, reader, $"a{state.Assignment}");
                        await AuditAsync(state, "reading.reassigned", "operations", "manual");
                        return new PhaseResult(Reassign(state, exclude: false) with { Requested = other }, null);
                    case ReadingEvent.Accept when evt.RadiologistId == reader:
                        await AuditAsync(state, "reading.accepted", reader, $"a{state.Assignment}");
                        state = state with { Phase = ReadingState.Accepted };
                        await ProjectAsync(state, WorklistStatus.Accepted);
                        return new PhaseResult(state, null);
                    case ReadingEvent.Decline when evt.RadiologistId == reader:
                        await AuditAsync(state, "reading.declined", reader, $"a{state.Assignment}");
                        return new PhaseResult(Reassign(state, exclude: true), null);
                    default:
                        // Not the assignee's (the API refuses these; an old link may still arrive): ignored, audited.
                        await AuditAsync(state, "reading.ignored", evt.RadiologistId ?? "unknown", evt.Kind);
                        break;
                }
            }

            return new PhaseResult(state, null); // many events: continue in a new run, still offered
        }

        /// <summary>Accepted: reports against the SLA (a warning, then escalation at the breach), release, operations' reassignment, cancel.</summary>
        public async Task<PhaseResult> AwaitReportAsync(ReadingState state)
        {
            var reader = state.Reader!;
            for (var wait = 0; wait < MaxWaitsPerRun; wait++)
            {
                DateTime? next = !state.Warned ? state.WarningUtc
                    : !state.Breached ? state.DeadlineUtc
                    : state.Escalations < _policy.Escalation.Count ? state.DeadlineUtc + _policy.Escalation[state.Escalations].After
                    : null;
                var evt = await WaitAsync(next);
                if (evt is null && !state.Warned)
                {
                    state = state with { Warned = true };
                    await ProjectAsync(state, Status(state));
                    await NotifyAsync(state, NotificationKinds.SlaWarning, reader, "warning");
                    continue;
                }

                if (evt is null && state.Breached)
                {
                    // The next step of the escalation chain: the report is still missing.
                    var step = _policy.Escalation[state.Escalations];
                    state = state with { Escalations = state.Escalations + 1 };
                    await NotifyAsync(state, NotificationKinds.SlaEscalated, null, $"escalation-{state.Escalations}", $"turnaround for {state.Priority} exceeded; escalation step {state.Escalations}", step.ContactId);
                    await AuditAsync(state, "reading.sla-escalated", "system", $"step{state.Escalations}:{step.ContactId}");
                    continue;
                }

                if (evt is null)
                {
                    state = state with { Breached = true };
                    await ProjectAsync(state, Status(state));
                    await NotifyAsync(state, NotificationKinds.SlaBreached, null, "breach", $"turnaround for {state.Priority} exceeded");
                    await AuditAsync(state, "reading.sla-breached", "system", _policy.ReassignOnBreach ? "escalated-reassigned" : "escalated");
                    if (_policy.ReassignOnBreach)
                    {
                        await NotifyAsync(state, NotificationKinds.AssignmentWithdrawn, reader, $"a{state.Assignment}");
                        return new PhaseResult(Reassign(state, exclude: true), null);
                    }

                    continue;
                }

                switch (evt.Kind)
                {
                    case ReadingEvent.Cancel:
                        return new PhaseResult(state, await CancelledAsync(state));
                    case ReadingEvent.Release when evt.RadiologistId == reader:
                        await AuditAsync(state, "reading.released", reader, $"a{state.Assignment}");
                        return new PhaseResult(Reassign(state, exclude: true), null);
                    case ReadingEvent.Assign when evt.RadiologistId is { } other:
                        await NotifyAsync(state, NotificationKinds.AssignmentWithdrawn, reader, $"a{state.Assignment}");
                        await AuditAsync(state, "reading.reassigned", "operations", "manual");
                        return new PhaseResult(Reassign(state, exclude: false) with { Requested = other }, null);
                    case ReadingEvent.Report when evt.RadiologistId == reader && evt.ReportId is { } reportId:
                        var kind = evt.ReportKind ?? ReadingEvent.Final;
                        if (kind == ReadingEvent.Preliminary && state.Priority != ReadingPriorities.Stat)
                        {
                            await AuditAsync(state, "reading.report-refused", reader, "preliminary-only-for-stat");
                            break;
                        }

                        await context.CallActivityAsync(ReadStudy.HandOffReportActivityName, new HandOffReportRequest(input.Tenant, input.StudyKey, reader, kind, reportId, state.Priority), Options);
                        if (evt.Critical)
                        {
                            await CriticalResultHook.StartAsync(context, input, state, evt, kind, Options); // starts the loop, does not wait for it
                        }

                        state = state with { Reports = [.. state.Reports, $"{kind}:{reportId}"] };
                        await ProjectAsync(state, Status(state));
                        if (kind == ReadingEvent.Final)
                        {
                            return new PhaseResult(state, Outcome(state, ReadingOutcome.Reported));
                        }

                        break;
                    default:
                        await AuditAsync(state, "reading.ignored", evt.RadiologistId ?? "unknown", evt.Kind);
                        break;
                }
            }

            return new PhaseResult(state, null);
        }

        public ReadingOutcome? ContinueWith(ReadingState state)
        {
            context.ContinueAsNew(input with { State = state }, preserveUnprocessedEvents: true);
            return null;
        }

        private static ReadingState Reassign(ReadingState state, bool exclude) => state with
        {
            Phase = ReadingState.Assigning,
            Excluded = exclude && state.Reader is { } reader ? [.. state.Excluded, reader] : state.Excluded,
            Reader = null,
            Reminders = 0,
        };

        private static ReadingOutcome Outcome(ReadingState state, string status) =>
            new(status, state.Priority, state.PriorityReason, state.DeadlineUtc, state.Reader, state.Assignment, state.Breached, state.Reports);

        public async Task<ReadingOutcome> CancelledAsync(ReadingState state)
        {
            if (state.Reader is { } reader)
            {
                await NotifyAsync(state, NotificationKinds.AssignmentWithdrawn, reader, $"a{state.Assignment}-cancel");
            }

            await AuditAsync(state, "reading.cancelled", "order", $"a{state.Assignment}");
            await ProjectAsync(state, WorklistStatus.Cancelled);
            return Outcome(state, ReadingOutcome.Cancelled);
        }

        /// <summary>The next event, or null when <paramref name="until"/> comes first (no deadline: wait for an event).</summary>
        private async Task<ReadingEvent?> WaitAsync(DateTime? until)
        {
            using var cancellation = new CancellationTokenSource();
            var arrival = context.WaitForExternalEvent<ReadingEvent>(ReadStudy.EventName, cancellation.Token);
            if (until is not { } at)
            {
                return await arrival;
            }

            var timer = context.CreateTimer(at, cancellation.Token);
            var first = await Task.WhenAny(arrival, timer);

            // Synchronous on purpose (see StudyAssemblyOrchestrator): the losing wait is cancelled inside the replay.
            cancellation.Cancel();
            return first == arrival ? await arrival : null;
        }

        /// <summary>The worklist status of an accepted reading: reported once a final is in, preliminary after a preliminary.</summary>
        private static string Status(ReadingState state) =>
            state.Reports.Any(r => r.StartsWith(ReadingEvent.Final + ":", StringComparison.Ordinal)) ? WorklistStatus.Reported
            : state.Reports.Any(r => r.StartsWith(ReadingEvent.Preliminary + ":", StringComparison.Ordinal)) ? WorklistStatus.Preliminary
            : WorklistStatus.Accepted;

        private Task ProjectAsync(ReadingState state, string status) =>
            context.CallActivityAsync(ReadStudy.ProjectActivityName, new ReadingProgress(
                input.Tenant, input.StudyKey, status, status == WorklistStatus.Unassigned ? null : state.Reader, state.Priority, state.PriorityReason,
                state.DeadlineUtc, state.Assignment, state.Warned, state.Breached), Options);

        private Task NotifyAsync(ReadingState state, string kind, string? reader, string occurrence, string? reason = null, string? contact = null) =>
            context.CallActivityAsync(ReadStudy.NotifyActivityName, new NotifyRequest(kind, input.Tenant, input.StudyKey, reader, state.Priority, state.DeadlineUtc, occurrence, reason, contact), Options);

        private Task AuditAsync(ReadingState state, string action, string actor, string purpose) =>
            context.CallActivityAsync(ReadStudy.AuditActivityName, new ReadingAuditRequest(input.Tenant, input.StudyKey, action, actor, purpose), Options);
    }
}
