using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;

namespace Telerad.Workflow.Tests;

/// <summary>
/// Pins the engine behaviour StudyAssembly relies on: a timer raced against an event, the timer cancelled
/// synchronously when the event wins, and a fresh timer in the next round fires (with CancelAsync it never did).
/// </summary>
public class TimerProbeTests
{
    [DurableTask("ProbeTimer")]
    public sealed class ProbeTimer : TaskOrchestrator<int, string>
    {
        public override async Task<string> RunAsync(TaskOrchestrationContext context, int mode)
        {
            if (mode == 2)
            {
                while (true)
                {
                    using var c = new CancellationTokenSource();
                    var q = context.CreateTimer(context.CurrentUtcDateTime.Add(TimeSpan.FromSeconds(1)), c.Token);
                    var a = context.WaitForExternalEvent<StudyEvent>("E", c.Token);
                    context.SetCustomStatus("waiting");
                    if (await Task.WhenAny(a, q) == a)
                    {
                        c.Cancel();
                        continue;
                    }

                    return "loop-timer";
                }
            }

            if (mode == 0)
            {
                await context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(1), CancellationToken.None);
                return "plain";
            }

            using var cts = new CancellationTokenSource();
            var timer = context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(1), cts.Token);
            var evt = context.WaitForExternalEvent<string>("E", cts.Token);
            var winner = await Task.WhenAny(timer, evt);
            return winner == timer ? "timer" : "event";
        }
    }

    [Theory]
    [InlineData(0, "plain")]
    [InlineData(1, "timer")]
    [InlineData(2, "loop-timer")]
    public async Task Timers_fire(int mode, string expected)
    {
        await using var host = await DurableTaskTestHost.StartAsync(r => r.AddOrchestrator<ProbeTimer>());
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("ProbeTimer", mode);
        if (mode == 2)
        {
            await host.Client.RaiseEventAsync(id, "E", StudyEvent.Instance("x", 1));
        }

        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token);
        Assert.Equal(expected, result.ReadOutputAs<string>());
    }
}
