using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Telerad.Functions;

/// <summary>
/// IngestInstance: a blob landed in `incoming` (Event Grid BlobCreated). Thin: the handler decides; accepted
/// instances and manifests are signalled to their studies' StudyAssembly orchestrations, and the stalled-instance sweep
/// is kept running.
/// </summary>
public sealed class IngestInstanceFunction(IngestInstanceHandler handler, ManifestHandler manifests, ITenantDirectory tenants, StudyAssemblyOptions options, TimeProvider time)
{
    /// <remarks>The trigger binds a BlobClient (deferred binding: nothing is downloaded); the handler streams the
    /// object itself through IObjectStore.</remarks>
    [Function(nameof(IngestInstance))]
    public async Task IngestInstance(
        [BlobTrigger("incoming/{name}", Source = BlobTriggerSource.EventGrid, Connection = FunctionSettings.StorageConnection)] BlobClient blob,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var studies = new StudyAssemblyClient(client, options);
        var result = await handler.HandleAsync(new ObjectRef(Containers.Incoming, blob.Name), cancellationToken);
        await StudySignals.SendAsync(result, studies, manifests, tenants, cancellationToken);

        // The repair for signals lost as a study completes runs as long as anything is ingested (docs/storage.md).
        await StalledInstanceSweepStarter.EnsureStartedAsync(client, time, cancellationToken);
    }
}
