using System.Globalization;

namespace Telerad.Dicom;

/// <summary>A DA value (PS3.5 Table 6.2-1): a Gregorian date written YYYYMMDD.</summary>
public readonly record struct DicomDate(DateOnly Value) : IComparable<DicomDate>
{
    /// <summary>Parses YYYYMMDD, and the ACR-NEMA form YYYY.MM.DD that PS3.5 asks readers to accept. Padding is ignored.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DicomDate date) => DicomDateTimeParser.TryParseDate(text, out date);

    /// <summary>Parses like <see cref="TryParse"/>; throws <see cref="FormatException"/> (without the value) when the text is not a date.</summary>
    public static DicomDate Parse(string text) =>
        TryParse(text, out var date) ? date : throw new FormatException("The text is not a DICOM date (DA).");

    /// <summary>The date moved by whole days (negative moves it back).</summary>
    public DicomDate AddDays(int days) => new(Value.AddDays(days));

    /// <summary>YYYYMMDD (a legacy YYYY.MM.DD input comes back in the standard form).</summary>
    public string ToDicomString() => Value.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public int CompareTo(DicomDate other) => Value.CompareTo(other.Value);

    public override string ToString() => ToDicomString();

    public static bool operator <(DicomDate left, DicomDate right) => left.CompareTo(right) < 0;

    public static bool operator <=(DicomDate left, DicomDate right) => left.CompareTo(right) <= 0;

    public static bool operator >(DicomDate left, DicomDate right) => left.CompareTo(right) > 0;

    public static bool operator >=(DicomDate left, DicomDate right) => left.CompareTo(right) >= 0;
}
