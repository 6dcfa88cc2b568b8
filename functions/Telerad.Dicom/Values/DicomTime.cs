using System.Globalization;

namespace Telerad.Dicom;

/// <summary>
/// A TM value (PS3.5 Table 6.2-1): HH[MM[SS[.F{1-6}]]], with the precision it was written with, so it formats back
/// exactly. Components are kept as written: Second may be 60 (a leap second), which <see cref="TimeOnly"/> cannot hold.
/// </summary>
public readonly record struct DicomTime : IComparable<DicomTime>
{
    public DicomTime(int hour, int minute, int second, int microsecond, DicomTemporalPrecision precision)
    {
        if (precision is < DicomTemporalPrecision.Hour or > DicomTemporalPrecision.Fraction6)
        {
            throw new ArgumentOutOfRangeException(nameof(precision), "A DICOM time is precise to hours up to microseconds.");
        }

        if (hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 60 || microsecond is < 0 or > 999_999)
        {
            throw new ArgumentOutOfRangeException(nameof(hour), "A DICOM time has hours 0-23, minutes 0-59, seconds 0-60 and microseconds 0-999999.");
        }

        // Components finer than the precision are not part of the value.
        Hour = hour;
        Minute = precision >= DicomTemporalPrecision.Minute ? minute : 0;
        Second = precision >= DicomTemporalPrecision.Second ? second : 0;
        Microsecond = precision >= DicomTemporalPrecision.Fraction1 ? Truncate(microsecond, precision) : 0;
        Precision = precision;
    }

    public int Hour { get; }

    public int Minute { get; }

    /// <summary>0-60; 60 only for a leap second.</summary>
    public int Second { get; }

    public int Microsecond { get; }

    public DicomTemporalPrecision Precision { get; }

    /// <summary>Digits of the fractional second that were written (0 to 6).</summary>
    public int FractionDigits => Math.Max(0, Precision - DicomTemporalPrecision.Second);

    /// <summary>The time of day; a leap second reads as 59.999999 seconds.</summary>
    public TimeOnly Value => Second == 60
        ? new TimeOnly(Hour, Minute, 59).Add(TimeSpan.FromMicroseconds(999_999))
        : new TimeOnly(Hour, Minute, Second).Add(TimeSpan.FromMicroseconds(Microsecond));

    /// <summary>A time from <paramref name="time"/>, cut to <paramref name="precision"/>.</summary>
    public static DicomTime FromTimeOnly(TimeOnly time, DicomTemporalPrecision precision = DicomTemporalPrecision.Fraction6) =>
        new(time.Hour, time.Minute, time.Second, (int)(time.Ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond), precision);

    /// <summary>Parses HH, HHMM, HHMMSS, HHMMSS.F to HHMMSS.FFFFFF, and the ACR-NEMA form HH:MM[:SS[.F]]. Padding is ignored.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DicomTime time) => DicomDateTimeParser.TryParseTime(text, out time);

    public static DicomTime Parse(string text) =>
        TryParse(text, out var time) ? time : throw new FormatException("The text is not a DICOM time (TM).");

    /// <summary>The standard form with exactly the components and fraction digits of <see cref="Precision"/>.</summary>
    public string ToDicomString()
    {
        Span<char> buffer = stackalloc char[13];
        var length = Format(buffer);
        return new string(buffer[..length]);
    }

    public int CompareTo(DicomTime other)
    {
        var byValue = (Hour, Minute, Second, Microsecond).CompareTo((other.Hour, other.Minute, other.Second, other.Microsecond));
        return byValue != 0 ? byValue : Precision.CompareTo(other.Precision);
    }

    public override string ToString() => ToDicomString();

    /// <summary>Writes HH[MM[SS[.F]]] and returns the number of characters (at most 13).</summary>
    internal int Format(Span<char> destination)
    {
        var n = WriteTwo(destination, 0, Hour);
        if (Precision >= DicomTemporalPrecision.Minute)
        {
            n = WriteTwo(destination, n, Minute);
        }

        if (Precision >= DicomTemporalPrecision.Second)
        {
            n = WriteTwo(destination, n, Second);
        }

        var digits = FractionDigits;
        if (digits > 0)
        {
            destination[n++] = '.';
            var fraction = Microsecond.ToString("D6", CultureInfo.InvariantCulture);
            fraction.AsSpan(0, digits).CopyTo(destination[n..]);
            n += digits;
        }

        return n;
    }

    private static int WriteTwo(Span<char> destination, int at, int value)
    {
        destination[at] = (char)('0' + (value / 10));
        destination[at + 1] = (char)('0' + (value % 10));
        return at + 2;
    }

    private static int Truncate(int microsecond, DicomTemporalPrecision precision)
    {
        var unit = 1;
        for (var p = precision; p < DicomTemporalPrecision.Fraction6; p++)
        {
            unit *= 10;
        }

        return microsecond / unit * unit;
    }

    public static bool operator <(DicomTime left, DicomTime right) => left.CompareTo(right) < 0;

    public static bool operator <=(DicomTime left, DicomTime right) => left.CompareTo(right) <= 0;

    public static bool operator >(DicomTime left, DicomTime right) => left.CompareTo(right) > 0;

    public static bool operator >=(DicomTime left, DicomTime right) => left.CompareTo(right) >= 0;
}
