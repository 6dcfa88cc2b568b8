namespace Telerad.Workflow;

/// <summary>
/// What both hosts (Azure Functions and Telerad.Local) do with IngestInstance's result: accepted instances and
/// manifest expectations go to their studies' StudyAssembly orchestrations; everything else needs no signal.
/// </summary>
public static class StudySignals
{
    public static async Task SendAsync(IngestResult result, StudyAssemblyClient studies, ManifestHandler manifests, ITenantDirectory tenants, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(studies);
        ArgumentNullException.ThrowIfNull(manifests);
        ArgumentNullException.ThrowIfNull(tenants);
        // Redelivered results are signalled again on purpose: the first delivery may have stopped after recording
        // its outcome and before signalling. Studies ignore an instance version or expectation they already have.
        if (result.Study is { } instance)
        {
            var quiet = tenants.Find(instance.Tenant)?.QuietPeriod ?? TimeSpan.FromSeconds(60);
            await studies.SignalAsync(instance.Tenant, instance.StudyKey, quiet, StudyEvent.Instance(instance.SopKey, instance.Version), cancellationToken);
            return;
        }

        if (result.Outcome == LedgerEntry.Manifest && result.Object is { } manifest && IncomingObjectName.TryParse(manifest.Name) is { } name)
        {
            var quiet = tenants.Find(name.Tenant)?.QuietPeriod ?? TimeSpan.FromSeconds(60);
            foreach (var (studyKey, expected) in await manifests.ReadExpectationsAsync(manifest, cancellationToken))
            {
                await studies.SignalAsync(name.Tenant, studyKey, quiet, StudyEvent.Manifest(expected), cancellationToken);
            }
        }
    }
}
