using Telerad.Auditing;

namespace Telerad.Deidentification;

/// <summary>
/// Re-identification records as files, for the CLI and local runs: <c>{root}/{tenant}/{de-identified study UID}.trid</c>,
/// one sealed record each (see <see cref="ReidentificationMapProtector"/>), owner-only on Unix.
/// A save writes a temp file beside the target and renames it over, so a reader sees the old record or the
/// new one, never half of one; saving the same entry again just replaces it.
/// </summary>
public sealed class FileReidentificationStore : EncryptedReidentificationStore
{
    public const string Extension = ".trid";

    public FileReidentificationStore(string rootDirectory, IDeidentificationKeyProvider keys, IAuditLog audit, TimeProvider? time = null)
        : base(keys, audit, time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        RootDirectory = Path.GetFullPath(rootDirectory);
    }

    public string RootDirectory { get; }

    /// <summary>Where the record of a study lives. Both ids are <see cref="OpaqueId"/>s, so neither can climb out of the root.</summary>
    public string PathOf(string tenantId, string deidentifiedStudyInstanceUid) =>
        Path.Combine(RootDirectory, OpaqueId.Require(tenantId, nameof(tenantId)), OpaqueId.Require(deidentifiedStudyInstanceUid, nameof(deidentifiedStudyInstanceUid)) + Extension);

    protected override Task WriteRecordAsync(string tenantId, string deidentifiedStudyInstanceUid, byte[] record, CancellationToken cancellationToken)
    {
        // A record is a few hundred bytes: a synchronous write and fsync is simpler than async plumbing.
        cancellationToken.ThrowIfCancellationRequested();
        PrivateFiles.Replace(PathOf(tenantId, deidentifiedStudyInstanceUid), record);
        return Task.CompletedTask;
    }

    protected override async Task<byte[]?> ReadRecordAsync(string tenantId, string deidentifiedStudyInstanceUid, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(PathOf(tenantId, deidentifiedStudyInstanceUid), cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
