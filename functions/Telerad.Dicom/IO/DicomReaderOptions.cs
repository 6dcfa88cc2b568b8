namespace Telerad.Dicom;

/// <summary>How to read. The defaults suit ingestion: stream big values, bound everything.</summary>
public sealed record DicomReaderOptions
{
    public static DicomReaderOptions Default { get; } = new();

    /// <summary>Stop at the top-level Pixel Data (7FE0,0010) / Float / Double Float Pixel Data, leaving it unread.</summary>
    public bool StopBeforePixelData { get; init; }

    /// <summary>Values longer than this stay in the source (lazy) or spill to a temp file; never buffered whole.</summary>
    public int LargeValueThreshold { get; init; } = 256 * 1024;

    /// <summary>Deepest sequence nesting accepted; deeper input is refused as hostile.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>
    /// Transfer syntax of a data set without file meta; null means detect it from the first element
    /// (implicit/explicit VR, little/big endian), as dcmtk and pydicom do.
    /// </summary>
    public DicomTransferSyntax? BareDatasetTransferSyntax { get; init; }
}
