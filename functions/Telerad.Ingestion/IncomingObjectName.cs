namespace Telerad.Ingestion;

/// <summary>
/// An object name in the `incoming` container: `{tenant}/{upload-id}/{relative-path}` (docs/storage.md).
/// The relative path is chosen by the hospital and may contain PHI, so it is never logged: use <see cref="ObjectId"/>.
/// </summary>
public sealed record IncomingObjectName(string Tenant, string UploadId, string RelativePath)
{
    public const string ManifestName = "manifest.json";

    /// <summary>Prefix under which entries extracted from an archive are written (then ingested like uploads).</summary>
    public const string ExtractedFolder = ".extracted";

    public string Name => $"{Tenant}/{UploadId}/{RelativePath}";

    public bool IsManifest => RelativePath == ManifestName;

    /// <summary>Extracted from an archive (archives inside archives are refused).</summary>
    public bool IsExtracted => RelativePath.StartsWith(ExtractedFolder + "/", StringComparison.Ordinal);

    /// <summary>An opaque, stable id for logs, audit and orchestration inputs: no part of the hospital's path.</summary>
    public string ObjectId => "obj-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Name)).AsSpan(0, 12));

    /// <summary>Splits a name; null when it does not have the three parts or a part is unsafe.</summary>
    public static IncomingObjectName? TryParse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = name.Split('/', 3);
        if (parts.Length != 3 || !IsSafeSegment(parts[0]) || !IsSafeSegment(parts[1]) || !IsSafeRelativePath(parts[2]))
        {
            return null;
        }

        return new IncomingObjectName(parts[0], parts[1], parts[2]);
    }

    /// <summary>Tenants and upload ids: letters, digits, '-', '_' and '.', not starting with '.'.</summary>
    public static bool IsSafeSegment(string segment) =>
        segment.Length is > 0 and <= 128 && segment[0] != '.' && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>No empty, '.' or '..' segments, no backslashes, no control characters, not rooted.</summary>
    public static bool IsSafeRelativePath(string path) =>
        path.Length > 0 && path[0] != '/' && !path.Contains('\\', StringComparison.Ordinal)
        && !path.Any(char.IsControl)
        && path.Split('/').All(s => s.Length > 0 && s != "." && s != "..");
}
