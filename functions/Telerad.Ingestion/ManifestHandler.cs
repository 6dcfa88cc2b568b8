using Telerad.Deidentification;

namespace Telerad.Ingestion;

/// <summary>
/// An upload's manifest landed (written last by the uploader): tells each study of the upload how many instances
/// to expect, keyed by its pseudonymous study key, so study assembly can finish without waiting for a quiet period.
/// </summary>
public sealed class ManifestHandler(IObjectStore store, ITenantDirectory tenants, Func<TenantSettings, Deidentifier> deidentifiers)
{
    public async Task<IReadOnlyList<(string StudyKey, int ExpectedInstances)>> ReadExpectationsAsync(ObjectRef manifest, CancellationToken cancellationToken = default)
    {
        var name = IncomingObjectName.TryParse(manifest.Name);
        if (name is null || !name.IsManifest || tenants.Find(name.Tenant) is not { } tenant)
        {
            return [];
        }

        await using var stream = await store.OpenReadAsync(manifest, cancellationToken);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        UploadManifest parsed;
        try
        {
            parsed = UploadManifestJson.Parse(buffer.ToArray());
        }
        catch (InvalidDataException)
        {
            return []; // an unreadable manifest only costs the quiet period; the objects are still ingested
        }

        var deidentifier = deidentifiers(tenant);
        return [.. parsed.Studies
            .Where(s => !string.IsNullOrEmpty(s.StudyInstanceUid) && s.Instances > 0)
            .Select(s => (deidentifier.PseudonymousUid(s.StudyInstanceUid), s.Instances))];
    }
}
