using Telerad.Deidentification;

namespace Telerad.Local;

/// <summary>
/// What the poller does with an object the ingestion ledger already knows (the journal has no row for it: an earlier
/// run died after recording its outcome, perhaps before signalling). It is signalled again as in Azure
/// (<see cref="StudySignals.SendAsync"/>; studies ignore what they already have), except an instance the registry shows
/// de-identified: that would only start a late run with nothing to do. (A run that died between registering an instance
/// and recording it is finished by <see cref="IngestInstanceHandler"/> itself, in both hosts.) Returns the instance's
/// pseudonymous keys for the journal.
/// </summary>
public sealed class SignalRecovery(
    IObjectStore store,
    ITenantDirectory tenants,
    Func<TenantSettings, Deidentifier> deidentifiers,
    IInstanceRegistry registry,
    ManifestHandler manifests,
    StudyAssemblyClient studies)
{
    public async Task<AcceptedKeys?> ResignalAsync(ObjectRef incoming, IngestResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (IncomingObjectName.TryParse(incoming.Name) is not { } name || tenants.Find(name.Tenant) is not { } tenant)
        {
            return null;
        }

        if (result.Outcome == LedgerEntry.Manifest)
        {
            await StudySignals.SendAsync(result with { Object = incoming }, studies, manifests, tenants, cancellationToken);
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

        if (!record.IsDone)
        {
            await studies.SignalAsync(tenant.Id, keys.StudyKey, tenant.QuietPeriod, StudyEvent.Instance(keys.SopKey, record.Version), cancellationToken);
        }

        return keys with { Version = record.Version };
    }
}

/// <summary>The pseudonymous keys of an accepted instance.</summary>
public sealed record AcceptedKeys(string StudyKey, string SeriesKey, string SopKey, int Version);
