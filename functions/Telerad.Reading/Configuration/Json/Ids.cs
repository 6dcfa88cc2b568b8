using System.Text.RegularExpressions;

namespace Telerad.Reading.Configuration.Json;

/// <summary>What an id, jurisdiction, NPI and time zone must look like.</summary>
internal static partial class Ids
{
    public const string Rule = "1-128 characters of letters, digits, '-', '_', '.', ':' or '/'";

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9\-_.:/]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    // ISO 3166-1 alpha-2 country, optionally an ISO 3166-2 subdivision: "US", "US-NY", "CA-ON", "GB-ENG".
    [GeneratedRegex(@"^[A-Z]{2}(?:-[A-Z0-9]{1,3})?$", RegexOptions.CultureInvariant)]
    private static partial Regex JurisdictionPattern();

    public static bool IsValid(string id) => IdPattern().IsMatch(id);

    /// <summary>The form, and a country code this machine's ICU knows (so "NY" alone, not a country, is refused).</summary>
    public static bool IsJurisdiction(string text)
    {
        if (!JurisdictionPattern().IsMatch(text))
        {
            return false;
        }
        try
        {
            var region = new System.Globalization.RegionInfo(text[..2]);
            return string.Equals(region.TwoLetterISORegionName, text[..2], StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static (string Code, string Message)? CheckJurisdiction(string text) =>
        IsJurisdiction(text) ? null : (ConfigurationErrorCodes.InvalidJurisdiction, $"'{text}' is not a jurisdiction: an ISO 3166-1 country code with an optional ISO 3166-2 subdivision, upper case, e.g. US-NY, CA-ON, DE");

    /// <summary>
    /// A US National Provider Identifier: 10 digits whose last is the Luhn check digit of the first nine prefixed
    /// with the card issuer prefix 80840 (CMS, "Requirements for NPI check digit").
    /// </summary>
    public static bool IsNpi(string text)
    {
        if (text.Length != 10 || !text.All(char.IsAsciiDigit))
        {
            return false;
        }
        var sum = 24; // the Luhn contribution of the prefix 80840
        for (var i = 8; i >= 0; i--)
        {
            var digit = text[i] - '0';
            // Doubled positions: the rightmost of the nine and every second one leftwards.
            if ((8 - i) % 2 == 0)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        var check = (10 - (sum % 10)) % 10;
        return check == text[9] - '0';
    }

    /// <summary>An IANA time zone known to this machine; Windows names ("Eastern Standard Time") are refused so documents are portable.</summary>
    public static TimeZoneInfo? FindIanaTimeZone(string id)
    {
        try
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return zone.HasIanaId ? zone : null;
        }
        catch (TimeZoneNotFoundException)
        {
            return null;
        }
        catch (InvalidTimeZoneException)
        {
            return null;
        }
    }
}
