using Telerad.Reading.Configuration.Json;

namespace Telerad.Reading.Tests.Configuration;

public sealed class FormatTests
{
    // Valid NPIs from CMS's "Requirements for National Provider Identifier (NPI) check digit" example (1234567893)
    // and NPIs checked by hand with the Luhn algorithm over the prefix 80840.
    [Theory]
    [InlineData("1234567893", true)]
    [InlineData("1245319599", true)]
    [InlineData("1003000126", true)]
    [InlineData("1234567890", false)]
    [InlineData("1234567894", false)]
    [InlineData("2234567893", false)]
    [InlineData("123456789", false)]
    public void Npi_check_digit(string npi, bool valid) => Assert.Equal(valid, Ids.IsNpi(npi));

    [Theory]
    [InlineData("PT30M", 0, 30, 0)]
    [InlineData("PT4H", 4, 0, 0)]
    [InlineData("P1D", 24, 0, 0)]
    [InlineData("P1DT12H", 36, 0, 0)]
    [InlineData("PT1H30M15S", 1, 30, 15)]
    [InlineData("PT90S", 0, 1, 30)]
    public void Iso_durations(string text, int hours, int minutes, int seconds)
    {
        Assert.True(IsoDuration.TryParse(text, out var duration));
        Assert.Equal(new TimeSpan(hours, minutes, seconds), duration);
    }

    [Theory]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P1DT")]
    [InlineData("P1Y")]
    [InlineData("P1M")]
    [InlineData("P2W")]
    [InlineData("PT1.5H")]
    [InlineData("pt30m")]
    [InlineData("00:30:00")]
    public void Not_iso_durations(string text) => Assert.False(IsoDuration.TryParse(text, out _));

    [Theory]
    [InlineData("US-NY", true)]
    [InlineData("US", true)]
    [InlineData("CA-ON", true)]
    [InlineData("GB-ENG", true)]
    [InlineData("DE-BY", true)]
    [InlineData("NY", false)] // not a country
    [InlineData("QQ-NY", false)]
    [InlineData("us-ny", false)]
    [InlineData("US-", false)]
    [InlineData("US-NEWY", false)]
    public void Jurisdictions(string text, bool valid) => Assert.Equal(valid, Ids.IsJurisdiction(text));
}
