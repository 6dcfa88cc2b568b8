using System.Globalization;
using Telerad.Dicom.Tests.Text;

namespace Telerad.Dicom.Tests.Values;

/// <summary>
/// DA, TM and DT (PS3.5 Table 6.2-1): valid forms format back exactly, invalid ones are refused without throwing,
/// and what we read agrees with pydicom's reading of the same strings.
/// </summary>
public class DateTimeValueTests
{
    private static readonly string[] Dates = ["19930822", "20000229", "00010101", "99991231", "20240131"];

    private static readonly string[] Times =
    [
        "07", "0709", "070907", "070907.0", "070907.07", "070907.070", "070907.0705", "070907.07050", "070907.070500",
        "000000", "0000", "00", "235959.999999", "120000.000001", "1010",
    ];

    private static readonly string[] DateTimes =
    [
        "2005", "200508", "20050812", "2005081217", "200508121712", "20050812171214", "20050812171214.1", "20050812171214.12",
        "20050812171214.123", "20050812171214.1234", "20050812171214.12345", "20050812171214.123456", "20050812171214.123456-0500",
        "2005+0900", "200508+0530", "20050812+1400", "20050812-1200", "19530827111300.0", "20050812171214+0000", "2005081217-0330",
        "00010101000000", "99991231235959.999999+1400",
    ];

    public static TheoryData<string> ValidDates() => [.. Dates];

    public static TheoryData<string> ValidTimes() => [.. Times];

    public static TheoryData<string> ValidDateTimes() => [.. DateTimes];

    [Theory]
    [MemberData(nameof(ValidDates))]
    public void Valid_dates_format_back_exactly(string text)
    {
        Assert.True(DicomDate.TryParse(text, out var date));
        Assert.Equal(text, date.ToDicomString());
        Assert.True(DicomDate.TryParse(text + " ", out var padded));
        Assert.Equal(date, padded);
    }

    [Theory]
    [MemberData(nameof(ValidTimes))]
    public void Valid_times_format_back_with_their_precision(string text)
    {
        Assert.True(DicomTime.TryParse(text, out var time));
        Assert.Equal(text, time.ToDicomString());
        Assert.Equal(text.Contains('.') ? text.Length - 7 : 0, time.FractionDigits);
        Assert.True(DicomTime.TryParse(text + "  ", out var padded));
        Assert.Equal(time, padded);
    }

    [Theory]
    [MemberData(nameof(ValidDateTimes))]
    public void Valid_date_times_format_back_with_their_precision_and_offset(string text)
    {
        Assert.True(DicomDateTime.TryParse(text, out var value));
        Assert.Equal(text, value.ToDicomString());
        Assert.Equal(text.Length > 5 && text[^5] is '+' or '-', value.Offset.HasValue);
        Assert.True(DicomDateTime.TryParse(text + " ", out var padded));
        Assert.Equal(value, padded);
    }

    [Fact]
    public void The_standards_own_examples_read_as_it_says()
    {
        // PS3.5 Table 6.2-1: "19930822" is August 22, 1993; "070907.0705" is 7 h 9 min 7.0705 s; "1010" is 10 h 10 min;
        // "021" is an invalid value.
        Assert.Equal(new DateOnly(1993, 8, 22), DicomDate.Parse("19930822").Value);
        var time = DicomTime.Parse("070907.0705");
        Assert.Equal((7, 9, 7, 70500), (time.Hour, time.Minute, time.Second, time.Microsecond));
        Assert.Equal(DicomTemporalPrecision.Fraction4, time.Precision);
        Assert.Equal(new TimeOnly(10, 10), DicomTime.Parse("1010").Value);
        Assert.Equal(DicomTemporalPrecision.Minute, DicomTime.Parse("1010").Precision);
        Assert.False(DicomTime.TryParse("021", out _));

        // "The offset for United States Eastern Standard Time is -0500. The offset for Japan Standard Time is +0900."
        Assert.Equal(TimeSpan.FromHours(-5), DicomDateTime.Parse("20050812171214-0500").Offset);
        Assert.Equal(TimeSpan.FromHours(9), DicomDateTime.Parse("20050812171214+0900").Offset);
        Assert.Null(DicomDateTime.Parse("20050812171214").Offset);
    }

    [Theory]
    [InlineData("1993.08.22", "19930822")]
    [InlineData("2000.02.29", "20000229")]
    public void Legacy_dates_are_read_and_written_in_the_standard_form(string legacy, string standard)
    {
        Assert.True(DicomDate.TryParse(legacy, out var date));
        Assert.Equal(standard, date.ToDicomString());
    }

    [Theory]
    [InlineData("07:09:07.0705", "070907.0705")]
    [InlineData("07:09:07", "070907")]
    [InlineData("07:09", "0709")]
    [InlineData("23:59:59.999999", "235959.999999")]
    public void Legacy_times_are_read_with_their_precision(string legacy, string standard)
    {
        Assert.True(DicomTime.TryParse(legacy, out var time));
        Assert.Equal(standard, time.ToDicomString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("1993082")]
    [InlineData("199308221")]
    [InlineData("19931301")]
    [InlineData("19930230")]
    [InlineData("19000229")]
    [InlineData("00000101")]
    [InlineData("1993-08-22")]
    [InlineData("1993082a")]
    [InlineData("1993.0822")]
    [InlineData("+1993082")]
    [InlineData("1993/08/22")]
    [InlineData("19930822-")]
    public void Invalid_dates_are_refused(string text)
    {
        Assert.False(DicomDate.TryParse(text, out _));
        Assert.Throws<FormatException>(() => DicomDate.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("021")]
    [InlineData("24")]
    [InlineData("2400")]
    [InlineData("1260")]
    [InlineData("126100")]
    [InlineData("120061")]
    [InlineData("120000.")]
    [InlineData("120000.1234567")]
    [InlineData("12000")]
    [InlineData("12:3")]
    [InlineData("12:30:")]
    [InlineData("12:30:00.")]
    [InlineData("1200.5")]
    [InlineData("-12")]
    [InlineData("12 00")]
    [InlineData("12345a")]
    [InlineData("120000,5")]
    public void Invalid_times_are_refused(string text)
    {
        Assert.False(DicomTime.TryParse(text, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("200")]
    [InlineData("20051")]
    [InlineData("2005081")]
    [InlineData("20050812171214.")]
    [InlineData("20050812171214.1234567")]
    [InlineData("200508121712.5")]
    [InlineData("2005081217+0960")]
    [InlineData("20050812-1201")]
    [InlineData("20050812+1401")]
    [InlineData("20050812+24")]
    [InlineData("20050812+00000")]
    [InlineData("2005-08-12")]
    [InlineData("20051301")]
    [InlineData("20050812250000")]
    [InlineData("X0050812")]
    [InlineData("0000")]
    [InlineData("+0500")]
    public void Invalid_date_times_are_refused(string text)
    {
        Assert.False(DicomDateTime.TryParse(text, out _));
    }

    [Fact]
    public void A_leap_second_is_kept_exactly()
    {
        // PS3.5 Table 6.2-1 allows seconds 00-60. TimeOnly cannot hold 60, so Value saturates; the text does not.
        var time = DicomTime.Parse("235960");
        Assert.Equal(60, time.Second);
        Assert.Equal("235960", time.ToDicomString());
        Assert.Equal(new TimeOnly(23, 59, 59).Add(TimeSpan.FromMicroseconds(999_999)), time.Value);
        Assert.Equal("20161231235960.5+0000", DicomDateTime.Parse("20161231235960.5+0000").ToDicomString());
    }

    [Fact]
    public void What_we_read_agrees_with_pydicom()
    {
        var cases = new List<(DicomVR VR, string Text)>();
        cases.AddRange(Dates.Select(t => (DicomVR.DA, t)));
        cases.AddRange(Times.Select(t => (DicomVR.TM, t)));
        cases.AddRange(DateTimes.Select(t => (DicomVR.DT, t)));
        cases.Add((DicomVR.DA, "1993.08.22"));
        var pydicom = PydicomOracle.Temporal(cases);
        for (var i = 0; i < cases.Count; i++)
        {
            var (vr, text) = cases[i];
            var expected = pydicom[i]?.GetValue<string>();
            Assert.True(expected is not null, $"pydicom refuses {vr} '{text}'");
            var ours = vr switch
            {
                DicomVR.DA => DicomDate.Parse(text).Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                DicomVR.TM => IsoTime(DicomTime.Parse(text).Value),
                _ => IsoDateTime(DicomDateTime.Parse(text)),
            };
            Assert.True(expected == ours, $"{vr} '{text}': pydicom {expected}, ours {ours}");
        }

        // Python's isoformat: microseconds only when not zero; the offset as +HH:MM.
        static string IsoTime(TimeOnly t) =>
            t.ToString(t.Ticks % TimeSpan.TicksPerSecond == 0 ? "HH:mm:ss" : "HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

        static string IsoDateTime(DicomDateTime v)
        {
            var text = v.Value.ToString("yyyy-MM-dd'T'", CultureInfo.InvariantCulture) + IsoTime(TimeOnly.FromDateTime(v.Value));
            if (v.Offset is { } offset)
            {
                text += (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString("hh\\:mm", CultureInfo.InvariantCulture);
            }

            return text;
        }
    }

    [Fact]
    public void Refused_strings_that_pydicom_also_refuses()
    {
        // Our refusals come from the grammar; where pydicom is stricter or equal it must refuse them too.
        var cases = new (DicomVR, string)[]
        {
            (DicomVR.DA, "19931301"), (DicomVR.DA, "19930230"), (DicomVR.DA, "1993082"), (DicomVR.TM, "021"), (DicomVR.TM, "2400"),
            (DicomVR.TM, "126100"), (DicomVR.TM, "120061"), (DicomVR.DT, "20050812250000"), (DicomVR.DT, "20051301"),
        };
        var pydicom = PydicomOracle.Temporal(cases);
        for (var i = 0; i < cases.Length; i++)
        {
            Assert.Null(pydicom[i]);
        }
    }
}
