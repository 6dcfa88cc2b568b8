using System.Globalization;

namespace Telerad.Dicom;

/// <summary>Tolerant parsing of Integer String and Decimal String values as real files write them.</summary>
public static class DicomNumber
{
    /// <summary>IS: "+12", " 0012 ", and the common "12.0" written by some modalities.</summary>
    public static bool TryParseInteger(string? text, out long value)
    {
        value = 0;
        if (text is null)
        {
            return false;
        }

        var s = text.Trim(' ', '\0');
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && Math.Abs(d) < 9.2e18 && d == Math.Floor(d))
        {
            value = (long)d;
            return true;
        }

        return false;
    }

    /// <summary>DS: fixed or exponential notation, surrounding spaces, a comma decimal separator tolerated.</summary>
    public static bool TryParseDecimal(string? text, out double value)
    {
        value = 0;
        if (text is null)
        {
            return false;
        }

        var s = text.Trim(' ', '\0');
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return !double.IsNaN(value) && !double.IsInfinity(value);
        }

        return s.Contains(',', StringComparison.Ordinal)
            && double.TryParse(s.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }

    /// <summary>Formats a DS within its 16-byte limit, choosing the shortest exact-enough form.</summary>
    public static string FormatDecimal(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "DS cannot hold NaN or infinity.");
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.Length <= 16)
        {
            return text;
        }

        for (var digits = 15; digits > 0; digits--)
        {
            text = value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (text.Length <= 16)
            {
                return text;
            }
        }

        return text;
    }
}
