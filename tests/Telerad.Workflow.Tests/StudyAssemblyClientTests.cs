using System.Collections.Concurrent;
using Telerad.Workflow;

namespace Telerad.Workflow.Tests;

/// <summary>
/// StudyAssemblyClient's start-then-signal logic against a scripted engine (a stand-in on purpose: the race it guards
/// against is about timing, which the real engine cannot be made to reproduce on demand).
/// </summary>
public sealed class StudyAssemblyClientTests
{
    private static readonly StudyAssemblyOptions Options = new();

    /// <summary>An engine that takes its time answering, as a remote one does, and counts what it is asked.</summary>
    private sealed class SlowEngine : IOrchestrationGateway
    {
        private int _started;

        public int Starts => _started;

        public ConcurrentBag<string> Events { get; } = [];

        public bool Finished { get; set; }

        public async Task<(bool Exists, bool Running)> GetStateAsync(string instanceId, CancellationToken cancellationToken = default)
        {
            await Task.Delay(20, cancellationToken);
            var started = Volatile.Read(ref _started) > 0;
            return (started || Finished, started);
        }

        public async Task StartAsync(string orchestratorName, string instanceId, object input, CancellationToken cancellationToken = default)
        {
            await Task.Delay(20, cancellationToken);
            Interlocked.Increment(ref _started);
        }

        public Task RaiseEventAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken = default)
        {
            Events.Add(((StudyEvent)payload).SopKey!);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Concurrent_signals_of_a_new_study_start_it_once_and_all_arrive()
    {
        var engine = new SlowEngine();
        var client = new StudyAssemblyClient(engine, Options);
        var study = "2.25." + Guid.NewGuid().ToString("N");

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            client.SignalAsync("hospital-a", study, TimeSpan.FromSeconds(60), StudyEvent.Instance($"sop-{i}", 1)))));

        Assert.Equal(1, engine.Starts);
        Assert.Equal(16, engine.Events.Distinct().Count());
    }

    [Fact]
    public async Task Signals_of_different_studies_each_start_their_own()
    {
        var engines = Enumerable.Range(0, 4).Select(_ => new SlowEngine()).ToList();
        await Task.WhenAll(engines.Select((engine, i) =>
            new StudyAssemblyClient(engine, Options).SignalAsync("hospital-a", $"2.25.{i}", TimeSpan.FromSeconds(60), StudyEvent.Instance("sop", 1))));

        Assert.All(engines, e => Assert.Equal(1, e.Starts));
    }
}
