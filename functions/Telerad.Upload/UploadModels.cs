using Telerad.Storage;

namespace Telerad.Upload;

/// <summary>What to upload and where: every file under <see cref="Path"/> to <c>incoming/{tenant}/{upload-id}/{relative path}</c>.</summary>
public sealed record UploadRequest
{
    /// <summary>A file, or a folder searched recursively (every file is uploaded, whatever it is).</summary>
    public required string Path { get; init; }

    public required string Tenant { get; init; }

    /// <summary>Null for a new upload (<see cref="UploadIds.NewUploadId"/>); the id of an earlier run to resume it.</summary>
    public string? UploadId { get; init; }

    /// <summary>Files uploaded at once (default 4).</summary>
    public int Parallelism { get; init; } = 4;
}

/// <summary>Where an upload stands: files finished (uploaded, skipped or failed) and bytes sent or skipped.</summary>
public readonly record struct UploadProgress(int FilesDone, int FilesTotal, long BytesDone, long BytesTotal);

/// <summary>A file that did not upload, by its path relative to the uploaded folder, and why.</summary>
public sealed record UploadFailure(string Path, string Reason);

/// <summary>What happened to the manifest.</summary>
public enum ManifestOutcome
{
    /// <summary>Written now, after every object.</summary>
    Written,

    /// <summary>An earlier run wrote the same manifest (same objects and studies); left as it was.</summary>
    Unchanged,

    /// <summary>Not written, because some file failed: ingestion waits for the quiet period instead. Run again with the same upload id.</summary>
    NotWritten,
}

/// <summary>The outcome of an upload, for the receipt.</summary>
public sealed record UploadReceipt
{
    public required string Tenant { get; init; }

    public required string UploadId { get; init; }

    /// <summary>Container and prefix of the upload: <c>incoming/{tenant}/{upload-id}/</c>.</summary>
    public required string Location { get; init; }

    public required int FilesUploaded { get; init; }

    /// <summary>Files an earlier run already uploaded with the same SHA-256 (resume).</summary>
    public required int FilesSkipped { get; init; }

    public required IReadOnlyList<UploadFailure> Failures { get; init; }

    public required long BytesUploaded { get; init; }

    public required long BytesSkipped { get; init; }

    public required IReadOnlyList<UploadManifestStudy> Studies { get; init; }

    public required int ExpectedInstances { get; init; }

    public required ManifestOutcome Manifest { get; init; }

    /// <summary>
    /// The credential may write but not read (a write-only SAS or uploader identity, see docs/storage.md), so no
    /// object could be checked for an earlier upload: every file was uploaded again.
    /// </summary>
    public required bool WriteOnly { get; init; }

    public int FilesFailed => Failures.Count;

    public bool Succeeded => Failures.Count == 0;
}
