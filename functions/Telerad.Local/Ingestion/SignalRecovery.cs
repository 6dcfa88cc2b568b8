using Telerad.Deidentification;

namespace Telerad.Local;

/// <summary>
/// After a crash, the ingestion ledger can say "done" for an object whose studies were never signalled: the process
/// died after IngestInstance recorded the object and before the signal (the handler then answers "redelivered"), or
/// after the instance was registered and before the ledger row (the handler then sees a "duplicate" of itself).
/// The journal has no row for such an object, so the poller asks here, and the signal is sent again unless the work is
/// visibly done already. Sending again is harmless to a running StudyAssembly (it keeps the highest version of an
/// instance and the largest expected count); for a completed study it is checked against `deid/` first, so a study
/// that has the instance is not re-opened.
/// </summary>
public sealed class SignalRecovery(
    IObjectStore store,
    ITenantDirectory tenants,
    Func<TenantSettings, Deidentifier> deidentifiers,
    IInstanceRegistry registry,
    ManifestHandler manifests,
    StudyAssemblyClient studies)
{
    /// <summary>Signals again what may not have been signalled; returns the instance's keys when it was one.</summary>
    public async Task<AcceptedKeys?> ResignalAsync(ObjectRef incoming, IngestResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (IncomingObjectName.TryParse(incoming.Name) is not { } name || tenants.Find(name.Tenant) is not { } tenant)
        {
            return null;
        }

        if (result.Outcome == LedgerEntry.Manifest)
        {
            foreach (var (studyKey, expected) in await manifests.ReadExpectationsAsync(incoming, cancellationToken))
            {
                if (await store.GetPropertiesAsync(new ObjectRef(Containers.Deidentified, $"{tenant.Id}/{studyKey}/summary.json"), cancellationToken) is null)
                {
                    await studies.SignalAsync(tenant.Id, studyKey, tenant.QuietPeriod, StudyEvent.Manifest(expected), cancellationToken);
                }
            }

            return null;
        }

        if (result.Outcome is not (LedgerEntry.Accepted or LedgerEntry.Versioned or LedgerEntry.Duplicate))
        {
            return null;
        }

        InspectedInstance? instance;
        await using (var content = await store.OpenReadAsync(incoming, cancellationToken))
        {
            (instance, _) = InstanceInspector.Inspect(content);
        }

        if (instance is null)
        {
            return null;
        }

        var deidentifier = deidentifiers(tenant);
        var keys = new AcceptedKeys(
            deidentifier.PseudonymousUid(instance.StudyInstanceUid), deidentifier.PseudonymousUid(instance.SeriesInstanceUid), deidentifier.PseudonymousUid(instance.SopInstanceUid), 0);
        var record = await registry.FindInstanceAsync(tenant.Id, keys.StudyKey, keys.SopKey, cancellationToken);
        if (record is null || record.ObjectName != incoming.Name)
        {
            return null; // a true duplicate: another object is this instance
        }

        var output = new ObjectRef(Containers.Deidentified, $"{tenant.Id}/{keys.StudyKey}/{keys.SeriesKey}/{keys.SopKey}.dcm");
        if (record.Version == 1 && await store.GetPropertiesAsync(output, cancellationToken) is not null)
        {
            return keys with { Version = record.Version }; // de-identified already: the signal did arrive
        }

        await studies.SignalAsync(tenant.Id, keys.StudyKey, tenant.QuietPeriod, StudyEvent.Instance(keys.SopKey, record.Version), cancellationToken);
        return keys with { Version = record.Version };
    }
}

/// <summary>The pseudonymous keys of an accepted instance.</summary>
public sealed record AcceptedKeys(string StudyKey, string SeriesKey, string SopKey, int Version);
