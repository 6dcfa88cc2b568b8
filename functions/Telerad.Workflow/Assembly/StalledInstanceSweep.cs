using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Telerad.Workflow;

/// <summary>
/// Repairs what signals alone cannot: an instance registered but never de-identified while its study's orchestration
/// is not running. The durable engine drops an event that reaches a completed orchestration, so an instance registered
/// in the last moment of its study's completion (after the study's final registry check) would wait forever. The sweep
/// signals such studies again; the signal starts a late run, which de-identifies what the registry has. Studies whose
/// orchestration is running are left alone: they ask the registry before they complete.
/// </summary>
public sealed class StalledInstanceSweep(IInstanceRegistry registry, IOrchestrationGateway engine, StudyAssemblyClient studies, ITenantDirectory tenants, TimeProvider time, ILogger<StalledInstanceSweep>? logger = null)
{
    /// <summary>Younger instances are still on their way (signal in flight, batch running) and are not looked at.</summary>
    public static readonly TimeSpan DefaultMinimumAge = TimeSpan.FromMinutes(2);

    private readonly ILogger _logger = logger ?? NullLogger<StalledInstanceSweep>.Instance;

    /// <summary>One sweep; returns how many instances it signalled studies for.</summary>
    public async Task<int> SweepAsync(TimeSpan minimumAge, CancellationToken cancellationToken = default)
    {
        var stalled = new List<StalledInstance>();
        await foreach (var instance in registry.ListStalledAsync(time.GetUtcNow() - minimumAge, cancellationToken))
        {
            stalled.Add(instance);
        }

        var signalled = 0;
        foreach (var study in stalled.GroupBy(s => (s.Tenant, s.StudyKey)))
        {
            var (_, running) = await engine.GetStateAsync(StudyAssembly.InstanceId(study.Key.Tenant, study.Key.StudyKey), cancellationToken);
            if (running)
            {
                continue;
            }

            // One signal per study is enough: the run it starts takes every unprocessed instance from the registry.
            var first = study.OrderBy(s => s.SopKey, StringComparer.Ordinal).First();
            var quiet = tenants.Find(study.Key.Tenant)?.QuietPeriod ?? TimeSpan.FromSeconds(60);
            await studies.SignalAsync(study.Key.Tenant, study.Key.StudyKey, quiet, StudyEvent.Instance(first.SopKey, first.Version), cancellationToken);
            WorkflowLog.StalledInstancesSignalled(_logger, study.Key.StudyKey, study.Key.Tenant, study.Count());
            signalled += study.Count();
        }

        return signalled;
    }
}
