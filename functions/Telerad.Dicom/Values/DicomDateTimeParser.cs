using System.Globalization;

namespace Telerad.Dicom;

/// <summary>PLACEHOLDER, replaced by the full implementation: DA, TM and DT parsing.</summary>
public static class DicomDateTimeParser
{
    public static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text?.Trim() ?? string.Empty, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    public static bool TryParseTime(string text, out (TimeOnly Time, int Precision) time)
    {
        time = default;
        if (TimeOnly.TryParseExact(text?.Trim() ?? string.Empty, "HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
        {
            time = (t, 3);
            return true;
        }

        return false;
    }

    public static bool TryParseDateTime(string text, out (DateTimeOffset Value, bool HasOffset) value)
    {
        value = default;
        if (DateTime.TryParseExact(text?.Trim() ?? string.Empty, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dt))
        {
            value = (new DateTimeOffset(dt, TimeSpan.Zero), false);
            return true;
        }

        return false;
    }
}
