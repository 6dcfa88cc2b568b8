namespace Telerad.Dicom;

/// <summary>How <see cref="DicomJsonWriter"/> writes the DICOM JSON model (PS3.18 F.2).</summary>
public sealed record DicomJsonWriterOptions
{
    public static DicomJsonWriterOptions Default { get; } = new();

    /// <summary>Pretty-print with two-space indentation.</summary>
    public bool Indented { get; init; }

    /// <summary>
    /// Leave out group 0002 (File Meta Information). It describes a Part 10 file, not the data set, and
    /// is not part of the JSON model of an instance (dcm2json writes it only on request, flagged as not conforming).
    /// </summary>
    public bool ExcludeFileMetaInformation { get; init; } = true;

    /// <summary>
    /// Values at least this many bytes long are offered to <see cref="BulkDataUri"/>. Only used when that
    /// function is set; shorter values are always written inline.
    /// </summary>
    public long BulkDataThreshold { get; init; } = 1024;

    /// <summary>
    /// Returns the BulkDataURI for a long value (PS3.18 F.2.6), or null to write it inline. Offered for
    /// the VRs F.2.2 allows a BulkDataURI for, and for encapsulated pixel data. Null: everything inline.
    /// </summary>
    public Func<DicomBulkDataRequest, string?>? BulkDataUri { get; init; }
}
