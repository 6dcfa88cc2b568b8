namespace Telerad.Dicom;

/// <summary>What <see cref="DicomJsonReader"/> does with a BulkDataURI (PS3.18 F.2.6).</summary>
public enum DicomJsonBulkDataHandling
{
    /// <summary>Keep the URI as a <see cref="DicomBulkDataUriValue"/>; the caller retrieves the bytes later.</summary>
    KeepReference,

    /// <summary>Refuse the document with a <see cref="DicomFormatException"/>: the caller expects all values inline.</summary>
    Refuse,
}

/// <summary>How <see cref="DicomJsonReader"/> reads the DICOM JSON model (PS3.18 F.2).</summary>
public sealed record DicomJsonReaderOptions
{
    public static DicomJsonReaderOptions Default { get; } = new();

    public DicomJsonBulkDataHandling BulkData { get; init; } = DicomJsonBulkDataHandling.KeepReference;

    /// <summary>Deepest sequence nesting accepted; deeper input is refused as hostile (as <see cref="DicomReaderOptions.MaxDepth"/>).</summary>
    public int MaxDepth { get; init; } = 64;
}
