namespace Telerad.Ingestion;

/// <summary>The stable, machine-readable reasons of docs/storage.md (reason.json "code").</summary>
public static class RejectionCodes
{
    public const string NotDicom = "not-dicom";
    public const string Malformed = "malformed";
    public const string MissingAttribute = "missing-attribute";
    public const string Oversized = "oversized";
    public const string UnknownTenant = "unknown-tenant";
    public const string ArchiveRefused = "archive-refused";
    public const string ConflictingInstance = "conflicting-instance";
    public const string ManifestInvalid = "manifest-invalid";
}

/// <summary>Why an object was refused: a stable code and a message without PHI.</summary>
public sealed record Rejection(string Code, string Message);
