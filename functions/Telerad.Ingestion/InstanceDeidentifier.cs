using System.Diagnostics;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telerad.Deidentification;

namespace Telerad.Ingestion;

/// <summary>One instance after de-identification: pseudonymous keys, what the summary needs, and where it went.</summary>
public sealed record DeidentifiedInstance(
    string Tenant,
    string StudyKey,
    string SeriesKey,
    string SopKey,
    string Outcome,
    string? QuarantineCode,
    string? Modality,
    string? BodyPartExamined,
    string? RequestedPriority,
    long Bytes,
    string? OutputName,
    string? ReferrerId = null)
{
    public const string Deidentified = "deidentified";
    public const string Quarantined = "quarantined";
}

/// <summary>
/// De-identifies one accepted instance from `incoming` into `deid/{tenant}/{study}/{series}/{sop}.dcm`,
/// streaming: the source is read through ranges and the output is written through a pipe, so neither is held
/// whole in memory. Deterministic, so a retried activity writes the same bytes. Saves the study's encrypted
/// re-identification entry (idempotent).
/// </summary>
public sealed class InstanceDeidentifier(
    IObjectStore store,
    ITenantDirectory tenants,
    Func<TenantSettings, Deidentifier> deidentifiers,
    IReidentificationStore reidentification,
    TimeProvider time,
    ILogger<InstanceDeidentifier>? logger = null)
{
    private readonly QuarantineWriter _quarantine = new(store, time);
    private readonly ILogger _logger = logger ?? NullLogger<InstanceDeidentifier>.Instance;

    public async Task<DeidentifiedInstance> DeidentifyAsync(string tenantId, ObjectRef incoming, CancellationToken cancellationToken = default)
    {
        var tenant = tenants.Find(tenantId) ?? throw new InvalidOperationException($"Tenant {tenantId} is not configured.");
        var deidentifier = deidentifiers(tenant);
        var started = Stopwatch.GetTimestamp();
        await using var source = await store.OpenReadAsync(incoming, cancellationToken);
        using var file = DicomFile.Read(source, leaveOpen: true);

        // From the original header: the name is removed by de-identification; only the configured id goes on.
        var referrerId = ReferrerMatch.Resolve(tenant, file.Dataset.GetString(DicomTags.ReferringPhysicianName));
        var result = deidentifier.Deidentify(file.Dataset);
        if (result.Outcome == DeidentificationOutcome.Quarantined)
        {
            var rejection = new Rejection(result.Quarantine!.Code, result.Quarantine.Message);
            var incomingName = IncomingObjectName.TryParse(incoming.Name);
            await _quarantine.QuarantineAsync(incoming, incomingName, rejection, cancellationToken);
            IngestionLog.QuarantinedByDeidentification(_logger, incomingName?.ObjectId ?? "obj-unparsed", tenantId, rejection.Code);
            return new DeidentifiedInstance(tenantId, string.Empty, string.Empty, string.Empty, DeidentifiedInstance.Quarantined, rejection.Code, null, null, null, 0, null);
        }

        var output = result.Dataset!;
        var name = $"{tenantId}/{result.StudyInstanceUid}/{result.SeriesInstanceUid}/{result.SopInstanceUid}.dcm";
        var syntax = file.TransferSyntax.IsEncapsulated ? file.TransferSyntax : DicomTransferSyntax.ExplicitVRLittleEndian;
        var written = await WriteAsync(new ObjectRef(Containers.Deidentified, name), output, syntax, cancellationToken);
        await reidentification.SaveAsync(result.Reidentification!, cancellationToken);
        var elapsedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        IngestionLog.Deidentified(_logger, result.SopInstanceUid!, result.StudyInstanceUid!, tenantId, written.Length, elapsedMs);
        return new DeidentifiedInstance(
            tenantId,
            result.StudyInstanceUid!,
            result.SeriesInstanceUid!,
            result.SopInstanceUid!,
            DeidentifiedInstance.Deidentified,
            null,
            output.GetString(DicomTags.Modality),
            output.GetString(DicomTags.BodyPartExamined),
            output.GetString(DicomTags.RequestedProcedurePriority),
            written.Length,
            name,
            referrerId);
    }

    /// <summary>The writer fills a pipe while the store uploads from it: bounded memory for any size.</summary>
    private async Task<ObjectProperties> WriteAsync(ObjectRef target, DicomDataset dataset, DicomTransferSyntax syntax, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await using (var sink = pipe.Writer.AsStream())
                    {
                        DicomWriter.WriteFile(sink, dataset, syntax);
                    }

                    await pipe.Writer.CompleteAsync();
                }
                catch (Exception ex)
                {
                    await pipe.Writer.CompleteAsync(ex);
                }
            },
            cancellationToken);
        await using var reader = pipe.Reader.AsStream();
        var properties = await store.WriteAsync(target, reader, new ObjectWriteOptions { ContentType = "application/dicom" }, cancellationToken);
        await producer;
        return properties;
    }
}
