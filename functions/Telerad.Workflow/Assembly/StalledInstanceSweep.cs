using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telerad.Notifications;

namespace Telerad.Workflow;

/// <summary>
/// Repairs what signals alone cannot: an instance registered but never de-identified while its study's orchestration
/// is not running. The durable engine drops an event that reaches a completed orchestration, so an instance registered
/// in the last moment of its study's completion (after the study's final registry check) would wait forever. The sweep
/// signals such studies again; the signal starts a late run, which de-identifies what the registry has. Studies whose
/// orchestration is running are left alone: they ask the registry before they complete. A study that stays stalled (its
/// late run fails again and again) is signalled less and less often: after the n-th sweep it waits the minimum age
/// times 2^n (at most six hours); from the fifth it is logged as an error, and at the fifth operations get one
/// <see cref="NotificationKinds.StudyStalled"/> alert for the study (opaque ids and counts only).
/// </summary>
public sealed class StalledInstanceSweep(
    IInstanceRegistry registry,
    IOrchestrationGateway engine,
    StudyAssemblyClient studies,
    ITenantDirectory tenants,
    INotificationPublisher publisher,
    TimeProvider time,
    ILogger<StalledInstanceSweep>? logger = null)
{
    /// <summary>Younger instances are still on their way (signal in flight, batch running) and are not looked at.</summary>
    public static readonly TimeSpan DefaultMinimumAge = TimeSpan.FromMinutes(2);

    /// <summary>From this many sweeps of an instance on, the study is reported as stuck (event 2007).</summary>
    public const int StuckAfterSweeps = 5;

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(6);

    private readonly ILogger _logger = logger ?? NullLogger<StalledInstanceSweep>.Instance;

    /// <summary>One sweep; returns how many instances it signalled studies for.</summary>
    public async Task<int> SweepAsync(TimeSpan minimumAge, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var stalled = new List<StalledInstance>();
        await foreach (var instance in registry.ListStalledAsync(now - minimumAge, cancellationToken))
        {
            if (IsDue(instance, minimumAge, now))
            {
                stalled.Add(instance);
            }
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
            foreach (var instance in study)
            {
                await registry.MarkSweptAsync(instance, now, cancellationToken);
            }

            var sweeps = study.Max(s => s.Sweeps) + 1;
            if (sweeps >= StuckAfterSweeps)
            {
                WorkflowLog.InstancesStuck(_logger, study.Key.StudyKey, study.Key.Tenant, study.Count(), sweeps);
            }

            if (sweeps == StuckAfterSweeps)
            {
                // Once per study (the message id is the study's): a log line alone is easy to miss, and a study that
                // never finishes de-identification never reaches a radiologist.
                await publisher.PublishAsync(new Notification
                {
                    MessageId = Notification.DeterministicId(NotificationKinds.StudyStalled, study.Key.Tenant, study.Key.StudyKey, null, "stalled"),
                    Topic = NotificationTopics.Operations,
                    Kind = NotificationKinds.StudyStalled,
                    Tenant = study.Key.Tenant,
                    StudyKey = study.Key.StudyKey,
                    CreatedUtc = now,
                    Reason = $"{study.Count()} instance(s) registered but still not de-identified after {sweeps} sweeps: the study's runs keep failing; see its StudyAssembly orchestration (event 2007).",
                }, cancellationToken);
            }
            else
            {
                WorkflowLog.StalledInstancesSignalled(_logger, study.Key.StudyKey, study.Key.Tenant, study.Count());
            }

            signalled += study.Count();
        }

        return signalled;
    }

    /// <summary>Never swept, or swept long enough ago: the minimum age doubled per earlier sweep, at most six hours.</summary>
    internal static bool IsDue(StalledInstance instance, TimeSpan minimumAge, DateTimeOffset now)
    {
        if (instance.LastSweptAt is not { } last)
        {
            return true;
        }

        var wait = TimeSpan.FromTicks((long)Math.Min(MaxBackoff.Ticks, Math.Max(TimeSpan.FromMinutes(1).Ticks, minimumAge.Ticks) * Math.Pow(2, Math.Min(instance.Sweeps, 20))));
        return now - last >= wait;
    }
}
