using System.Globalization;

namespace Telerad.Reading.Tests.Infrastructure;

internal static class Instants
{
    /// <summary>An instant written as UTC, e.g. "2026-03-09T13:00Z".</summary>
    public static DateTimeOffset Utc(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
