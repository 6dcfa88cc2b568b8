using System.Globalization;

namespace Telerad.Dicom;

/// <summary>
/// A DT value (PS3.5 Table 6.2-1): YYYY[MM[DD[HH[MM[SS[.F{1-6}]]]]]][&amp;ZZXX], kept with the precision and UTC offset
/// it was written with so that it formats back exactly. Components beyond the precision read as their minimum
/// (month 1, day 1, 00:00:00). Second may be 60 (a leap second).
/// </summary>
public readonly record struct DicomDateTime : IComparable<DicomDateTime>
{
    public DicomDateTime(DateOnly date, DicomTime? time, DicomTemporalPrecision precision, TimeSpan? offset)
    {
        if (precision >= DicomTemporalPrecision.Hour && time is null)
        {
            throw new ArgumentException("A date-time precise to hours or finer needs a time.", nameof(time));
        }

        if (offset is { } o && (o < DicomDateTimeParser.MinimumOffset || o > DicomDateTimeParser.MaximumOffset || o.Ticks % TimeSpan.TicksPerMinute != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), "A UTC offset is whole minutes from -12:00 to +14:00.");
        }

        Precision = precision;
        Date = new DateOnly(date.Year, precision >= DicomTemporalPrecision.Month ? date.Month : 1, precision >= DicomTemporalPrecision.Day ? date.Day : 1);
        Time = precision >= DicomTemporalPrecision.Hour
            ? new DicomTime(time!.Value.Hour, time.Value.Minute, time.Value.Second, time.Value.Microsecond, precision)
            : null;
        Offset = offset;
    }

    /// <summary>The date; month and day are 1 when the precision is coarser than them.</summary>
    public DateOnly Date { get; }

    /// <summary>The time, when the value is precise to hours or finer.</summary>
    public DicomTime? Time { get; }

    public DicomTemporalPrecision Precision { get; }

    /// <summary>The explicit UTC offset (&amp;ZZXX, "local time minus UTC"), or null when the value has none.</summary>
    public TimeSpan? Offset { get; }

    /// <summary>The local date and time as written (unspecified kind; a leap second reads as 59.999999).</summary>
    public DateTime Value => Date.ToDateTime(Time?.Value ?? TimeOnly.MinValue, DateTimeKind.Unspecified);

    /// <summary>
    /// The instant, using the value's own offset, else <paramref name="offsetWhenAbsent"/> (e.g. from Timezone Offset
    /// From UTC (0008,0201); PS3.5 says a DT without offset is in the local time of the application that wrote it).
    /// </summary>
    public DateTimeOffset ToDateTimeOffset(TimeSpan offsetWhenAbsent = default) => new(Value, Offset ?? offsetWhenAbsent);

    public static bool TryParse(ReadOnlySpan<char> text, out DicomDateTime value) => DicomDateTimeParser.TryParseDateTime(text, out value);

    public static DicomDateTime Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException("The text is not a DICOM date-time (DT).");

    /// <summary>
    /// Moves the date by whole days, keeping the time of day, precision and offset. A value precise only to the year
    /// or month moves from its first day and keeps only the year (and month) of the result.
    /// </summary>
    public DicomDateTime AddDays(int days) => new(Date.AddDays(days), Time, Precision, Offset);

    /// <summary>The standard form with exactly the components, fraction digits and offset the value has.</summary>
    public string ToDicomString()
    {
        Span<char> buffer = stackalloc char[26];
        var n = 0;
        Date.Year.TryFormat(buffer, out var written, "D4", CultureInfo.InvariantCulture);
        n += written;
        if (Precision >= DicomTemporalPrecision.Month)
        {
            Date.Month.TryFormat(buffer[n..], out written, "D2", CultureInfo.InvariantCulture);
            n += written;
        }

        if (Precision >= DicomTemporalPrecision.Day)
        {
            Date.Day.TryFormat(buffer[n..], out written, "D2", CultureInfo.InvariantCulture);
            n += written;
        }

        if (Time is { } time)
        {
            n += time.Format(buffer[n..]);
        }

        if (Offset is { } offset)
        {
            buffer[n++] = offset < TimeSpan.Zero ? '-' : '+';
            var minutes = (int)Math.Abs(offset.TotalMinutes);
            (minutes / 60).TryFormat(buffer[n..], out written, "D2", CultureInfo.InvariantCulture);
            n += written;
            (minutes % 60).TryFormat(buffer[n..], out written, "D2", CultureInfo.InvariantCulture);
            n += written;
        }

        return new string(buffer[..n]);
    }

    /// <summary>Orders by the written date and time, then precision; offsets are not applied (values without one have no instant).</summary>
    public int CompareTo(DicomDateTime other)
    {
        var byDate = Date.CompareTo(other.Date);
        if (byDate != 0)
        {
            return byDate;
        }

        var byTime = (Time ?? default).CompareTo(other.Time ?? default);
        return byTime != 0 ? byTime : Precision.CompareTo(other.Precision);
    }

    public override string ToString() => ToDicomString();

    public static bool operator <(DicomDateTime left, DicomDateTime right) => left.CompareTo(right) < 0;

    public static bool operator <=(DicomDateTime left, DicomDateTime right) => left.CompareTo(right) <= 0;

    public static bool operator >(DicomDateTime left, DicomDateTime right) => left.CompareTo(right) > 0;

    public static bool operator >=(DicomDateTime left, DicomDateTime right) => left.CompareTo(right) >= 0;
}
