using System.Globalization;

namespace Telerad.Dicom.Tests.Values;

/// <summary>Query ranges (PS3.4 C.2.2.2.5), shifting by whole days with precision and offset kept, and the data set accessors.</summary>
public class DateRangeAndShiftTests
{
    [Theory]
    [InlineData("20200101-20201231", "20200101", "20201231")]
    [InlineData("-20201231", null, "20201231")]
    [InlineData("20200101-", "20200101", null)]
    [InlineData("2020.01.01-2020.12.31", "20200101", "20201231")]
    [InlineData(" 20200101-20201231 ", "20200101", "20201231")]
    public void Date_ranges(string text, string? start, string? end)
    {
        Assert.True(DicomDateRange.TryParse(text, out var range));
        Assert.Equal(start, range.Start?.ToDicomString());
        Assert.Equal(end, range.End?.ToDicomString());
        if (!text.Contains('.', StringComparison.Ordinal))
        {
            Assert.Equal(text.Trim(), range.ToDicomString());
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("20200101")]
    [InlineData("20200101-20201231-")]
    [InlineData("20201301-")]
    [InlineData("2020-01-01")]
    public void Not_date_ranges(string text) => Assert.False(DicomDateRange.TryParse(text, out _));

    [Theory]
    [InlineData("0800-1700", "0800", "1700")]
    [InlineData("-1200", null, "1200")]
    [InlineData("083000.5-", "083000.5", null)]
    [InlineData("08:30-17:00", "0830", "1700")]
    public void Time_ranges(string text, string? start, string? end)
    {
        Assert.True(DicomTimeRange.TryParse(text, out var range));
        Assert.Equal(start, range.Start?.ToDicomString());
        Assert.Equal(end, range.End?.ToDicomString());
    }

    [Theory]
    [InlineData("-")]
    [InlineData("0800")]
    [InlineData("2500-")]
    [InlineData("0800-1700-1800")]
    public void Not_time_ranges(string text) => Assert.False(DicomTimeRange.TryParse(text, out _));

    [Theory]
    [InlineData("20200101-20200102", "20200101", "20200102")]
    [InlineData("20200101120000-0500-20200102", "20200101120000-0500", "20200102")] // the first '-' starts an offset
    [InlineData("20200101-0500-20200102+0100", "20200101-0500", "20200102+0100")]
    [InlineData("-20200101+0100", null, "20200101+0100")]
    [InlineData("20200101120000.5-", "20200101120000.5", null)]
    [InlineData("2020-2021", "2020", "2021")]
    public void Date_time_ranges_tell_range_dashes_from_offsets(string text, string? start, string? end)
    {
        Assert.True(DicomDateTimeRange.TryParse(text, out var range));
        Assert.Equal(start, range.Start?.ToDicomString());
        Assert.Equal(end, range.End?.ToDicomString());
        Assert.Equal(text, range.ToDicomString());
    }

    [Fact]
    public void Minus_zero_offset_is_read_as_UTC()
    {
        // PS3.5 forbids -0000 (RFC 2822's "local time"); real files have it, so it is read, and written as +0000.
        Assert.Equal("20200101120000+0000", DicomDateTime.Parse("20200101120000-0000").ToDicomString());
    }

    [Theory]
    [InlineData("-")]
    [InlineData("20200101+0100")] // a single value with an offset, no range dash
    [InlineData("2020130-")]
    public void Not_date_time_ranges(string text) => Assert.False(DicomDateTimeRange.TryParse(text, out _));

    [Theory]
    [InlineData("20200228", 1, "20200229")]
    [InlineData("20200228", 2, "20200301")]
    [InlineData("20210101", -1, "20201231")]
    [InlineData("19000101", 36523, "19991231")] // 1900 is not a leap year
    public void Shifting_a_date(string text, int days, string expected) =>
        Assert.Equal(expected, DicomDate.Parse(text).AddDays(days).ToDicomString());

    [Theory]
    [InlineData("20200228235959.123+0100", 1, "20200229235959.123+0100")]
    [InlineData("20200228235959.123456-0500", -59, "20191231235959.123456-0500")]
    [InlineData("2020022823", 10, "2020030923")]
    [InlineData("20200228", 1, "20200229")]
    [InlineData("20161231235960", 1, "20170101235960")] // a leap second stays one
    [InlineData("202012", 31, "202101")] // month precision: shifted from its first day, written to the month
    [InlineData("2020", 400, "2021")]
    [InlineData("2020+0900", -1, "2019+0900")]
    public void Shifting_a_date_time_keeps_its_precision_and_offset(string text, int days, string expected) =>
        Assert.Equal(expected, DicomDateTime.Parse(text).AddDays(days).ToDicomString());

    [Fact]
    public void Shifting_there_and_back_is_exact_and_matches_calendar_arithmetic()
    {
        // Independent check: .NET's DateTime arithmetic on the same instants.
        var random = new Random(7);
        for (var i = 0; i < 5000; i++)
        {
            var instant = new DateTime(1900, 1, 1).AddTicks((long)(random.NextDouble() * (new DateTime(2099, 12, 31) - new DateTime(1900, 1, 1)).Ticks));
            instant = instant.AddTicks(-(instant.Ticks % 10)); // whole microseconds
            var precision = (DicomTemporalPrecision)random.Next((int)DicomTemporalPrecision.Day, (int)DicomTemporalPrecision.Fraction6 + 1);
            var format = precision switch
            {
                DicomTemporalPrecision.Day => "yyyyMMdd",
                DicomTemporalPrecision.Hour => "yyyyMMddHH",
                DicomTemporalPrecision.Minute => "yyyyMMddHHmm",
                DicomTemporalPrecision.Second => "yyyyMMddHHmmss",
                _ => "yyyyMMddHHmmss." + new string('f', precision - DicomTemporalPrecision.Second),
            };
            var offsetMinutes = random.Next(-12 * 4, (14 * 4) + 1) * 15;
            var offset = random.Next(3) == 0
                ? string.Empty
                : (offsetMinutes < 0 ? "-" : "+") + (Math.Abs(offsetMinutes) / 60).ToString("D2", CultureInfo.InvariantCulture) + (Math.Abs(offsetMinutes) % 60).ToString("D2", CultureInfo.InvariantCulture);
            var text = instant.ToString(format, CultureInfo.InvariantCulture) + offset;
            var days = random.Next(-3650, 3650);

            var shifted = DicomDateTime.Parse(text).AddDays(days);
            var expected = DateTime.ParseExact(text[..format.Length], format, CultureInfo.InvariantCulture).AddDays(days).ToString(format, CultureInfo.InvariantCulture) + offset;
            Assert.Equal(expected, shifted.ToDicomString());
            Assert.Equal(text, shifted.AddDays(-days).ToDicomString());

            var date = DicomDate.Parse(text[..8]);
            Assert.Equal(date.Value.AddDays(days), date.AddDays(days).Value);
            Assert.Equal(text[..8], date.AddDays(days).AddDays(-days).ToDicomString());
        }
    }

    [Fact]
    public void The_data_set_reads_typed_values()
    {
        var dataset = new DicomDataset()
            .SetString(DicomTags.StudyDate, "20240131")
            .SetString(DicomTags.StudyTime, "101530.25")
            .SetString(DicomTags.AcquisitionDateTime, "20240131101530.250000+0100")
            .SetStrings(DicomTags.CalibrationDate, ["20240101", "20240115"])
            .SetString(DicomTags.PatientBirthDate, "1960.05.04")
            .SetString(DicomTags.SeriesDate, "not a date");

        Assert.Equal(new DateOnly(2024, 1, 31), dataset.GetDate(DicomTags.StudyDate));
        Assert.Equal(new TimeOnly(10, 15, 30, 250), dataset.GetTime(DicomTags.StudyTime));
        Assert.Equal(DicomTemporalPrecision.Fraction2, dataset.GetDicomTime(DicomTags.StudyTime)!.Value.Precision);
        Assert.Equal(new DateTimeOffset(2024, 1, 31, 10, 15, 30, 250, TimeSpan.FromHours(1)), dataset.GetDateTime(DicomTags.AcquisitionDateTime));
        Assert.Equal("20240131101530.250000+0100", dataset.GetDicomDateTime(DicomTags.AcquisitionDateTime)!.Value.ToDicomString());
        Assert.Equal(new DateOnly(2024, 1, 15), dataset.GetDicomDate(DicomTags.CalibrationDate, 1)!.Value.Value);
        Assert.Equal(new DateOnly(2024, 1, 1), dataset.GetDate(DicomTags.CalibrationDate));
        Assert.Equal(new DateOnly(1960, 5, 4), dataset.GetDate(DicomTags.PatientBirthDate));
        Assert.Null(dataset.GetDate(DicomTags.SeriesDate));
        Assert.Null(dataset.GetDate(DicomTags.ContentDate));

        // The de-identification round trip: shift, write back, read the same precision and offset.
        var shifted = dataset.GetDicomDateTime(DicomTags.AcquisitionDateTime)!.Value.AddDays(-30);
        dataset.SetString(DicomTags.AcquisitionDateTime, shifted.ToDicomString());
        Assert.Equal("20240101101530.250000+0100", dataset.GetString(DicomTags.AcquisitionDateTime));
    }

    [Fact]
    public void Values_read_from_real_files_format_back_unchanged()
    {
        // Every DA, TM and DT of pydicom's test files that parses must format back to the same text (padding aside).
        var checkedValues = 0;
        foreach (var path in TestData.PydicomFiles().Where(f => !TestData.DeliberatelyBroken.Contains(Path.GetFileName(f))))
        {
            DicomFile file;
            try
            {
                file = DicomFile.Open(path, new DicomReaderOptions { StopBeforePixelData = true });
            }
            catch (DicomFormatException)
            {
                continue; // not this test's business
            }

            using (file)
            {
                checkedValues += Check(file.Dataset);
            }
        }

        Assert.True(checkedValues > 100, $"only {checkedValues} values checked");

        static int Check(DicomDataset dataset)
        {
            var count = 0;
            foreach (var item in dataset)
            {
                if (item is DicomSequence sequence)
                {
                    count += sequence.Items.Sum(Check);
                    continue;
                }

                foreach (var value in item.VR is DicomVR.DA or DicomVR.TM or DicomVR.DT ? dataset.GetStrings(item.Tag) : [])
                {
                    var formatted = item.VR switch
                    {
                        DicomVR.DA => DicomDate.TryParse(value, out var d) ? d.ToDicomString() : null,
                        DicomVR.TM => DicomTime.TryParse(value, out var t) ? t.ToDicomString() : null,
                        _ => DicomDateTime.TryParse(value, out var dt) ? dt.ToDicomString() : null,
                    };
                    var legacy = value.Contains(':', StringComparison.Ordinal) || (item.VR == DicomVR.DA && value.Contains('.', StringComparison.Ordinal));
                    if (formatted is not null && !legacy)
                    {
                        Assert.Equal(value, formatted);
                        count++;
                    }
                }
            }

            return count;
        }
    }
}
