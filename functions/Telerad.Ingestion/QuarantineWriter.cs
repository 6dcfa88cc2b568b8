using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telerad.Ingestion;

/// <summary>The reason.json next to a quarantined object (docs/storage.md).</summary>
public sealed record QuarantineRecord(string Code, string Message, string Object, string ObjectId, string? UploadId, DateTimeOffset At);

/// <summary>
/// Puts a refused object in `quarantine/{tenant}/{upload}/{path}` with `{path}.reason.json`, copying it first:
/// the incoming object itself is never deleted by a refusal. Unknown tenants go under `_unknown/`.
/// </summary>
public sealed class QuarantineWriter(IObjectStore store, TimeProvider time)
{
    public const string UnknownTenantFolder = "_unknown";

    public async Task<ObjectRef> QuarantineAsync(ObjectRef incoming, IncomingObjectName? name, Rejection rejection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        var target = name is not null && rejection.Code != RejectionCodes.UnknownTenant
            ? $"{name.Tenant}/{name.UploadId}/{name.RelativePath}"
            : $"{UnknownTenantFolder}/{incoming.Name}";
        var copy = new ObjectRef(Containers.Quarantine, target);
        if (await store.GetPropertiesAsync(incoming, cancellationToken) is not null)
        {
            await using var source = await store.OpenReadAsync(incoming, cancellationToken);
            await store.WriteAsync(copy, source, new ObjectWriteOptions { Metadata = new Dictionary<string, string> { ["code"] = rejection.Code } }, cancellationToken);
        }

        var objectId = name?.ObjectId ?? "obj-unparsed";
        var record = new QuarantineRecord(rejection.Code, rejection.Message, incoming.ToString(), objectId, name?.UploadId, time.GetUtcNow());
        var json = JsonSerializer.SerializeToUtf8Bytes(record, IngestionJsonContext.Default.QuarantineRecord);
        using var reason = new MemoryStream(json);
        await store.WriteAsync(new ObjectRef(Containers.Quarantine, target + ".reason.json"), reason, new ObjectWriteOptions { ContentType = "application/json" }, cancellationToken);
        return copy;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(QuarantineRecord))]
internal sealed partial class IngestionJsonContext : JsonSerializerContext;
