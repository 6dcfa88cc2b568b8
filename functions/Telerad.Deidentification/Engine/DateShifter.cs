namespace Telerad.Deidentification;

/// <summary>
/// Retain Longitudinal Temporal Information with Modified Dates (PS3.15 E.3.6): every date of a patient
/// moves by the same keyed number of whole days, so intervals between that patient's studies survive.
/// Precision and UTC offsets are kept; ranges shift at both ends. Unparseable values return null.
/// </summary>
internal static class DateShifter
{
    public static string? ShiftDate(string value, int days)
    {
        if (value.Length == 0)
        {
            return value;
        }

        if (DicomDate.TryParse(value, out var date))
        {
            return date.AddDays(days).ToDicomString();
        }

        if (DicomDateRange.TryParse(value, out var range))
        {
            return new DicomDateRange(range.Start?.AddDays(days), range.End?.AddDays(days)).ToDicomString();
        }

        return null;
    }

    public static string? ShiftDateTime(string value, int days)
    {
        if (value.Length == 0)
        {
            return value;
        }

        if (DicomDateTime.TryParse(value, out var dateTime))
        {
            return dateTime.AddDays(days).ToDicomString();
        }

        if (DicomDateTimeRange.TryParse(value, out var range))
        {
            return new DicomDateTimeRange(range.Start?.AddDays(days), range.End?.AddDays(days)).ToDicomString();
        }

        return null;
    }
}
