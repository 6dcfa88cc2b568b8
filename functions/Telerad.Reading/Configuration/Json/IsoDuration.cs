using System.Globalization;
using System.Text.RegularExpressions;

namespace Telerad.Reading.Configuration.Json;

/// <summary>
/// ISO 8601 durations restricted to exact units (days, hours, minutes, seconds): <c>PT30M</c>, <c>PT4H</c>,
/// <c>P1DT12H</c>, <c>PT90S</c>. Years, months and weeks are refused: their length depends on the calendar.
/// </summary>
internal static partial class IsoDuration
{
    [GeneratedRegex(@"^P(?:(?<d>\d{1,4})D)?(?:T(?:(?<h>\d{1,5})H)?(?:(?<m>\d{1,6})M)?(?:(?<s>\d{1,7}(?:\.\d{1,3})?)S)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = Pattern().Match(text);
        // "P" and "PT" alone match the pattern but name no amount.
        if (!match.Success || text is "P" || text.EndsWith('T'))
        {
            return false;
        }
        double Part(string name) => match.Groups[name].Success ? double.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        duration = TimeSpan.FromDays(Part("d")) + TimeSpan.FromHours(Part("h")) + TimeSpan.FromMinutes(Part("m")) + TimeSpan.FromSeconds(Part("s"));
        return true;
    }

    public static string Format(TimeSpan duration)
    {
        var text = "P";
        if (duration.Days > 0)
        {
            text += duration.Days.ToString(CultureInfo.InvariantCulture) + "D";
        }
        var time = string.Empty;
        if (duration.Hours > 0)
        {
            time += duration.Hours.ToString(CultureInfo.InvariantCulture) + "H";
        }
        if (duration.Minutes > 0)
        {
            time += duration.Minutes.ToString(CultureInfo.InvariantCulture) + "M";
        }
        if (duration.Seconds > 0 || duration.Milliseconds > 0)
        {
            time += (duration.Seconds + (duration.Milliseconds / 1000m)).ToString(CultureInfo.InvariantCulture) + "S";
        }
        return time.Length > 0 ? text + "T" + time : text.Length > 1 ? text : "PT0S";
    }
}
