namespace Telerad.Dicom;

/// <summary>
/// The one exception type for input that is not valid DICOM (or is truncated, or exceeds a safety limit).
/// Carries the byte offset where reading failed and the tag path, e.g. "(0008,1115)[0]/(0020,000E)".
/// Never carries values, so it is safe to log: no PHI.
/// </summary>
public sealed class DicomFormatException : Exception
{
    public DicomFormatException()
        : this("Invalid DICOM input.", -1, string.Empty)
    {
    }

    public DicomFormatException(string message)
        : this(message, -1, string.Empty)
    {
    }

    public DicomFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        TagPath = string.Empty;
        Offset = -1;
    }

    public DicomFormatException(string reason, long offset, string tagPath, Exception? innerException = null)
        : base(Compose(reason, offset, tagPath), innerException)
    {
        Reason = reason;
        Offset = offset;
        TagPath = tagPath;
    }

    /// <summary>What was wrong, without the location.</summary>
    public string Reason { get; } = string.Empty;

    /// <summary>Byte offset in the input where the problem was found; -1 if not known.</summary>
    public long Offset { get; }

    /// <summary>Where in the data set: tags and item indexes from the top level down.</summary>
    public string TagPath { get; }

    private static string Compose(string reason, long offset, string tagPath)
    {
        var at = offset >= 0 ? $" at byte {offset}" : string.Empty;
        var path = string.IsNullOrEmpty(tagPath) ? string.Empty : $" in {tagPath}";
        return $"{reason}{at}{path}.";
    }
}

/// <summary>Something tolerated while reading (odd length, wrong group length...), with where it was.</summary>
public sealed record DicomReadWarning(long Offset, string TagPath, string Message)
{
    public override string ToString() => $"{Message} at byte {Offset}{(TagPath.Length > 0 ? " in " + TagPath : string.Empty)}";
}
