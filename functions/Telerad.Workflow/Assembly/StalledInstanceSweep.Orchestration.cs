using Microsoft.DurableTask.Client;

namespace Telerad.Workflow;

/// <summary>How often the sweep runs and how old an instance must be before it counts as stalled.</summary>
public sealed record StalledSweepInput(int IntervalSeconds, int MinimumAgeSeconds)
{
    public static StalledSweepInput Default { get; } = new(60, (int)StalledInstanceSweep.DefaultMinimumAge.TotalSeconds);
}

/// <summary>
/// StalledInstanceSweepV1: the sweep where no timer trigger is at hand (the Functions app): one eternal orchestration
/// per task hub that sweeps, sleeps on a durable timer and continues as new, so its history stays two events long.
/// A failed sweep is tried again at the next round. Telerad.Local runs the sweep from a background service instead.
/// </summary>
[DurableTask(OrchestratorName)]
public sealed class StalledInstanceSweepOrchestrator : TaskOrchestrator<StalledSweepInput, object?>
{
    public const string OrchestratorName = "StalledInstanceSweepV1";
    public const string ActivityName = "SweepStalledInstancesV1";

    /// <summary>One per task hub: a fixed id, so starting it twice is harmless.</summary>
    public const string InstanceId = "stalled-instance-sweep";

    public override async Task<object?> RunAsync(TaskOrchestrationContext context, StalledSweepInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            await context.CallActivityAsync<int>(ActivityName, input.MinimumAgeSeconds);
        }
        catch (TaskFailedException)
        {
            // Storage unreachable for a moment, say: the next round sweeps again.
        }

        await context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(Math.Max(10, input.IntervalSeconds)), CancellationToken.None);
        context.ContinueAsNew(input, preserveUnprocessedEvents: false);
        return null;
    }
}

/// <summary>The sweep as an activity of the test host and other DI-built workers (Functions binds its own, with a [DurableClient]).</summary>
[DurableTask(StalledInstanceSweepOrchestrator.ActivityName)]
public sealed class SweepStalledInstancesActivity(StalledInstanceSweep sweep) : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input) => sweep.SweepAsync(TimeSpan.FromSeconds(input));
}

/// <summary>Starts the sweep orchestration if it is not running; asks the engine at most every ten minutes per process.</summary>
public static class StalledInstanceSweepStarter
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMinutes(10);
    private static long _nextCheckTicks;

    public static async Task EnsureStartedAsync(DurableTaskClient client, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow().UtcTicks;
        var due = Interlocked.Read(ref _nextCheckTicks);
        if (now < due || Interlocked.CompareExchange(ref _nextCheckTicks, now + CheckEvery.Ticks, due) != due)
        {
            return; // checked recently, or another call is checking now
        }

        var existing = await client.GetInstanceAsync(StalledInstanceSweepOrchestrator.InstanceId, getInputsAndOutputs: false, cancellationToken);
        if (existing is not null && existing.RuntimeStatus is not (OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated))
        {
            return;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                StalledInstanceSweepOrchestrator.OrchestratorName, StalledSweepInput.Default, new StartOrchestrationOptions(StalledInstanceSweepOrchestrator.InstanceId), cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException || ex.GetType().Name == "RpcException")
        {
            // Another worker started it first.
        }
    }

    /// <summary>Tests: the next call asks the engine again.</summary>
    internal static void Reset() => Interlocked.Exchange(ref _nextCheckTicks, 0);
}
