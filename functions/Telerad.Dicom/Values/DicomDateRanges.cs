namespace Telerad.Dicom;

/// <summary>
/// A DA range as used in queries (PS3.4 C.2.2.2.5; PS3.5 Table 6.2-1): "A-B", "-B" (up to B) or "A-" (from A).
/// At least one end is present.
/// </summary>
public readonly record struct DicomDateRange(DicomDate? Start, DicomDate? End)
{
    public static bool TryParse(ReadOnlySpan<char> text, out DicomDateRange range) => DicomDateTimeParser.TryParseDateRange(text, out range);

    public string ToDicomString() => $"{Start?.ToDicomString()}-{End?.ToDicomString()}";

    public override string ToString() => ToDicomString();
}

/// <summary>A TM range: "A-B", "-B" or "A-" (PS3.4 C.2.2.2.5).</summary>
public readonly record struct DicomTimeRange(DicomTime? Start, DicomTime? End)
{
    public static bool TryParse(ReadOnlySpan<char> text, out DicomTimeRange range) => DicomDateTimeParser.TryParseTimeRange(text, out range);

    public string ToDicomString() => $"{Start?.ToDicomString()}-{End?.ToDicomString()}";

    public override string ToString() => ToDicomString();
}

/// <summary>
/// A DT range: "A-B", "-B" or "A-" (PS3.4 C.2.2.2.5). A '-' can also start a UTC offset, so the parser takes the
/// first '-' that leaves a valid date-time (or nothing) on each side.
/// </summary>
public readonly record struct DicomDateTimeRange(DicomDateTime? Start, DicomDateTime? End)
{
    public static bool TryParse(ReadOnlySpan<char> text, out DicomDateTimeRange range) => DicomDateTimeParser.TryParseDateTimeRange(text, out range);

    public string ToDicomString() => $"{Start?.ToDicomString()}-{End?.ToDicomString()}";

    public override string ToString() => ToDicomString();
}
