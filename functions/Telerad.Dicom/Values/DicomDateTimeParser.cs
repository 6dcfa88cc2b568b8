namespace Telerad.Dicom;

/// <summary>
/// Parses DA, TM and DT values and their query ranges (PS3.5 Table 6.2-1; PS3.4 C.2.2.2.5). Never throws on bad
/// input: every method returns false instead. Leading and trailing spaces and NULs (padding) are ignored.
/// </summary>
public static class DicomDateTimeParser
{
    /// <summary>The range PS3.5 gives for UTC offsets: -1200 to +1400.</summary>
    public static readonly TimeSpan MinimumOffset = TimeSpan.FromHours(-12);

    public static readonly TimeSpan MaximumOffset = TimeSpan.FromHours(14);

    /// <summary>YYYYMMDD, or the ACR-NEMA YYYY.MM.DD that PS3.5 recommends readers accept.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, out DicomDate date)
    {
        date = default;
        var s = Trim(text);
        int year, month, day;
        if (s.Length == 8)
        {
            if (!Digits(s, 0, 4, out year) || !Digits(s, 4, 2, out month) || !Digits(s, 6, 2, out day))
            {
                return false;
            }
        }
        else if (s.Length == 10 && s[4] == '.' && s[7] == '.')
        {
            if (!Digits(s, 0, 4, out year) || !Digits(s, 5, 2, out month) || !Digits(s, 8, 2, out day))
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        if (!IsValidDate(year, month, day))
        {
            return false;
        }

        date = new DicomDate(new DateOnly(year, month, day));
        return true;
    }

    /// <summary>HH, HHMM, HHMMSS, HHMMSS.F to HHMMSS.FFFFFF; or the ACR-NEMA HH:MM, HH:MM:SS, HH:MM:SS.F.</summary>
    public static bool TryParseTime(ReadOnlySpan<char> text, out DicomTime time)
    {
        time = default;
        var s = Trim(text);
        return s.Contains(':') ? TryParseLegacyTime(s, out time) : TryParseTimeBody(s, out time);
    }

    /// <summary>YYYY[MM[DD[HH[MM[SS[.F{1-6}]]]]]] with an optional &amp;ZZXX UTC offset (-1200 to +1400).</summary>
    public static bool TryParseDateTime(ReadOnlySpan<char> text, out DicomDateTime value)
    {
        value = default;
        var s = Trim(text);
        TimeSpan? offset = null;
        if (s.Length >= 9 && s[^5] is '+' or '-')
        {
            if (!Digits(s, s.Length - 4, 2, out var hours) || !Digits(s, s.Length - 2, 2, out var minutes) || minutes > 59)
            {
                return false;
            }

            var magnitude = new TimeSpan(hours, minutes, 0);
            var signed = s[^5] == '-' ? -magnitude : magnitude;
            if (signed < MinimumOffset || signed > MaximumOffset)
            {
                return false;
            }

            offset = signed;
            s = s[..^5];
        }

        if (s.Length is < 4 or 5 or 7 or 9 or 11 or 13 || (s.Length > 14 && s[14] != '.'))
        {
            return false;
        }

        if (!Digits(s, 0, 4, out var year))
        {
            return false;
        }

        var month = 1;
        var day = 1;
        var precision = DicomTemporalPrecision.Year;
        if (s.Length >= 6)
        {
            if (!Digits(s, 4, 2, out month))
            {
                return false;
            }

            precision = DicomTemporalPrecision.Month;
        }

        if (s.Length >= 8)
        {
            if (!Digits(s, 6, 2, out day))
            {
                return false;
            }

            precision = DicomTemporalPrecision.Day;
        }

        if (!IsValidDate(year, month, day))
        {
            return false;
        }

        DicomTime? time = null;
        if (s.Length > 8)
        {
            if (!TryParseTimeBody(s[8..], out var parsed))
            {
                return false;
            }

            time = parsed;
            precision = parsed.Precision;
        }

        value = new DicomDateTime(new DateOnly(year, month, day), time, precision, offset);
        return true;
    }

    /// <summary>"A-B", "-B" or "A-" of DA values; a lone "-" or a single date is not a range.</summary>
    public static bool TryParseDateRange(ReadOnlySpan<char> text, out DicomDateRange range)
    {
        range = default;
        var s = Trim(text);
        var dash = s.IndexOf('-');
        if (dash < 0 || s.Length == 1 || s[(dash + 1)..].Contains('-'))
        {
            return false;
        }

        DicomDate? start = null;
        DicomDate? end = null;
        if (dash > 0)
        {
            if (!TryParseDate(s[..dash], out var a))
            {
                return false;
            }

            start = a;
        }

        if (dash < s.Length - 1)
        {
            if (!TryParseDate(s[(dash + 1)..], out var b))
            {
                return false;
            }

            end = b;
        }

        range = new DicomDateRange(start, end);
        return true;
    }

    /// <summary>"A-B", "-B" or "A-" of TM values.</summary>
    public static bool TryParseTimeRange(ReadOnlySpan<char> text, out DicomTimeRange range)
    {
        range = default;
        var s = Trim(text);
        var dash = s.IndexOf('-');
        if (dash < 0 || s.Length == 1 || s[(dash + 1)..].Contains('-'))
        {
            return false;
        }

        DicomTime? start = null;
        DicomTime? end = null;
        if (dash > 0)
        {
            if (!TryParseTime(s[..dash], out var a))
            {
                return false;
            }

            start = a;
        }

        if (dash < s.Length - 1)
        {
            if (!TryParseTime(s[(dash + 1)..], out var b))
            {
                return false;
            }

            end = b;
        }

        range = new DicomTimeRange(start, end);
        return true;
    }

    /// <summary>"A-B", "-B" or "A-" of DT values; the range '-' is the first one that leaves valid values on both sides.</summary>
    public static bool TryParseDateTimeRange(ReadOnlySpan<char> text, out DicomDateTimeRange range)
    {
        range = default;
        var s = Trim(text);
        if (s.Length < 2)
        {
            return false;
        }

        for (var dash = s.IndexOf('-'); dash >= 0; dash = NextDash(s, dash))
        {
            var left = s[..dash];
            var right = s[(dash + 1)..];
            DicomDateTime? start = null;
            DicomDateTime? end = null;
            if (left.Length > 0)
            {
                if (!TryParseDateTime(left, out var a))
                {
                    continue;
                }

                start = a;
            }

            if (right.Length > 0)
            {
                if (!TryParseDateTime(right, out var b))
                {
                    continue;
                }

                end = b;
            }

            range = new DicomDateTimeRange(start, end);
            return true;
        }

        return false;

        static int NextDash(ReadOnlySpan<char> s, int after)
        {
            var next = s[(after + 1)..].IndexOf('-');
            return next < 0 ? -1 : after + 1 + next;
        }
    }

    /// <summary>The TM grammar, also the time part of DT: HH[MM[SS[.F{1-6}]]].</summary>
    private static bool TryParseTimeBody(ReadOnlySpan<char> s, out DicomTime time)
    {
        time = default;
        if (s.Length is not (2 or 4 or 6) && (s.Length < 8 || s.Length > 13 || s[6] != '.'))
        {
            return false;
        }

        if (!Digits(s, 0, 2, out var hour))
        {
            return false;
        }

        var minute = 0;
        var second = 0;
        var precision = DicomTemporalPrecision.Hour;
        if (s.Length >= 4)
        {
            if (!Digits(s, 2, 2, out minute))
            {
                return false;
            }

            precision = DicomTemporalPrecision.Minute;
        }

        if (s.Length >= 6)
        {
            if (!Digits(s, 4, 2, out second))
            {
                return false;
            }

            precision = DicomTemporalPrecision.Second;
        }

        var microsecond = 0;
        if (s.Length >= 8 && !TryParseFraction(s[7..], out microsecond, out precision))
        {
            return false;
        }

        if (!IsValidTime(hour, minute, second))
        {
            return false;
        }

        time = new DicomTime(hour, minute, second, microsecond, precision);
        return true;
    }

    /// <summary>HH:MM, HH:MM:SS or HH:MM:SS.F{1-6} (ACR-NEMA 300).</summary>
    private static bool TryParseLegacyTime(ReadOnlySpan<char> s, out DicomTime time)
    {
        time = default;
        if (s.Length < 5 || s[2] != ':' || !Digits(s, 0, 2, out var hour) || !Digits(s, 3, 2, out var minute))
        {
            return false;
        }

        var second = 0;
        var microsecond = 0;
        var precision = DicomTemporalPrecision.Minute;
        if (s.Length > 5)
        {
            if (s.Length < 8 || s[5] != ':' || !Digits(s, 6, 2, out second))
            {
                return false;
            }

            precision = DicomTemporalPrecision.Second;
            if (s.Length > 8 && (s[8] != '.' || !TryParseFraction(s[9..], out microsecond, out precision)))
            {
                return false;
            }
        }

        if (!IsValidTime(hour, minute, second))
        {
            return false;
        }

        time = new DicomTime(hour, minute, second, microsecond, precision);
        return true;
    }

    /// <summary>1 to 6 digits after the '.', as microseconds, with the matching precision.</summary>
    private static bool TryParseFraction(ReadOnlySpan<char> digits, out int microsecond, out DicomTemporalPrecision precision)
    {
        microsecond = 0;
        precision = DicomTemporalPrecision.Second;
        if (digits.Length is < 1 or > 6 || !Digits(digits, 0, digits.Length, out var value))
        {
            return false;
        }

        for (var i = digits.Length; i < 6; i++)
        {
            value *= 10;
        }

        microsecond = value;
        precision = DicomTemporalPrecision.Second + digits.Length;
        return true;
    }

    private static bool IsValidDate(int year, int month, int day) =>
        year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);

    /// <summary>Hours 00-23, minutes 00-59, seconds 00-60 (60 is a leap second; PS3.5 Table 6.2-1).</summary>
    private static bool IsValidTime(int hour, int minute, int second) => hour <= 23 && minute <= 59 && second <= 60;

    /// <summary>Reads <paramref name="count"/> ASCII digits at <paramref name="start"/>; false on anything else.</summary>
    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var d = s[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        return true;
    }

    private static ReadOnlySpan<char> Trim(ReadOnlySpan<char> text) => text.Trim(" \0");
}
