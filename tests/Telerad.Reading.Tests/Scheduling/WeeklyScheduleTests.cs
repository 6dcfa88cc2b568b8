using Telerad.Reading.Scheduling;
using Telerad.Reading.Tests.Infrastructure;

namespace Telerad.Reading.Tests.Scheduling;

/// <summary>
/// Expected UTC instants are worked out by hand from the published rules (US: DST from the second Sunday of March
/// 02:00 to the first Sunday of November 02:00; EU: last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC).
/// </summary>
public sealed class WeeklyScheduleTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    private static WeeklySchedule Schedule(TimeZoneInfo zone, params (DayOfWeek Day, string Start, string End)[] shifts) =>
        new(zone, shifts.Select(s => new WeeklyShift(s.Day, Time(s.Start), Time(s.End))));

    private static TimeSpan Time(string hhmm) => hhmm == "24:00" ? TimeSpan.FromDays(1) : TimeSpan.ParseExact(hhmm, "hh\\:mm", null);

    [Theory]
    [InlineData("2026-01-14T12:59Z", false)] // Wed 07:59 EST
    [InlineData("2026-01-14T13:00Z", true)] // Wed 08:00 EST = UTC-5
    [InlineData("2026-01-14T20:59Z", true)]
    [InlineData("2026-01-14T21:00Z", false)] // 16:00 EST
    [InlineData("2026-07-15T12:00Z", true)] // Wed 08:00 EDT = UTC-4
    [InlineData("2026-07-15T11:59Z", false)]
    [InlineData("2026-07-15T19:59Z", true)]
    [InlineData("2026-07-15T20:00Z", false)] // 16:00 EDT
    public void A_day_shift_follows_daylight_saving_time(string utc, bool onShift) =>
        Assert.Equal(onShift, Schedule(NewYork, (DayOfWeek.Wednesday, "08:00", "16:00")).IsOnShift(Instants.Utc(utc)));

    [Theory]
    // Spring forward, Sunday 2026-03-08: 02:00 EST becomes 03:00 EDT. The night shift Sat 22:00 - Sun 06:00 is 7 real hours.
    [InlineData("2026-03-08T02:59Z", false)] // Sat 21:59 EST
    [InlineData("2026-03-08T03:00Z", true)] // Sat 22:00 EST
    [InlineData("2026-03-08T06:59Z", true)] // Sun 01:59 EST
    [InlineData("2026-03-08T07:00Z", true)] // Sun 03:00 EDT (02:00-02:59 never happens)
    [InlineData("2026-03-08T09:59Z", true)] // Sun 05:59 EDT
    [InlineData("2026-03-08T10:00Z", false)] // Sun 06:00 EDT; in EST this would still be 05:00
    public void An_overnight_shift_across_spring_forward(string utc, bool onShift) =>
        Assert.Equal(onShift, Schedule(NewYork, (DayOfWeek.Saturday, "22:00", "06:00")).IsOnShift(Instants.Utc(utc)));

    [Theory]
    // Fall back, Sunday 2026-11-01: 02:00 EDT becomes 01:00 EST. The night shift Sat 22:00 - Sun 06:00 is 9 real hours.
    [InlineData("2026-11-01T01:59Z", false)] // Sat 21:59 EDT
    [InlineData("2026-11-01T02:00Z", true)] // Sat 22:00 EDT
    [InlineData("2026-11-01T05:30Z", true)] // Sun 01:30 EDT (first time)
    [InlineData("2026-11-01T06:30Z", true)] // Sun 01:30 EST (second time)
    [InlineData("2026-11-01T10:59Z", true)] // Sun 05:59 EST; in EDT this would already be 06:59
    [InlineData("2026-11-01T11:00Z", false)] // Sun 06:00 EST
    public void An_overnight_shift_across_fall_back(string utc, bool onShift) =>
        Assert.Equal(onShift, Schedule(NewYork, (DayOfWeek.Saturday, "22:00", "06:00")).IsOnShift(Instants.Utc(utc)));

    [Theory]
    // A shift ending inside the repeated hour covers both occurrences of the wall-clock time before its end.
    [InlineData("2026-11-01T05:15Z", true)] // 01:15 EDT
    [InlineData("2026-11-01T05:45Z", false)] // 01:45 EDT
    [InlineData("2026-11-01T06:15Z", true)] // 01:15 EST, the wall clock says 01:15 again
    [InlineData("2026-11-01T06:45Z", false)]
    public void A_shift_ending_in_the_repeated_hour_is_wall_clock(string utc, bool onShift) =>
        Assert.Equal(onShift, Schedule(NewYork, (DayOfWeek.Sunday, "00:00", "01:30")).IsOnShift(Instants.Utc(utc)));

    [Theory]
    // Stockholm: CET (UTC+1) until Sunday 2026-03-29 01:00 UTC, then CEST (UTC+2).
    [InlineData("2026-03-23T20:59Z", false)] // Mon 21:59 CET
    [InlineData("2026-03-23T21:00Z", true)] // Mon 22:00 CET
    [InlineData("2026-03-24T04:59Z", true)] // Tue 05:59 CET
    [InlineData("2026-03-24T05:00Z", false)] // Tue 06:00 CET
    [InlineData("2026-03-30T20:00Z", true)] // Mon 22:00 CEST
    [InlineData("2026-03-31T03:59Z", true)] // Tue 05:59 CEST
    [InlineData("2026-03-31T04:00Z", false)] // Tue 06:00 CEST
    public void A_european_night_shift_crosses_midnight(string utc, bool onShift) =>
        Assert.Equal(onShift, Schedule(Stockholm, (DayOfWeek.Monday, "22:00", "06:00")).IsOnShift(Instants.Utc(utc)));

    [Theory]
    [InlineData("2026-01-18T23:00Z", true)] // Sun 23:00 UTC
    [InlineData("2026-01-19T00:30Z", true)] // Mon 00:30: the Sunday shift's morning part
    [InlineData("2026-01-19T02:00Z", false)]
    [InlineData("2026-01-20T00:30Z", false)] // Tue 00:30: Monday has no evening shift
    public void A_sunday_night_shift_ends_on_monday(string utc, bool onShift) =>
        Assert.Equal(onShift, Schedule(TimeZoneInfo.Utc, (DayOfWeek.Sunday, "20:00", "01:00")).IsOnShift(Instants.Utc(utc)));

    [Fact]
    public void A_whole_day_shift_ends_at_midnight()
    {
        var schedule = Schedule(TimeZoneInfo.Utc, (DayOfWeek.Friday, "00:00", "24:00"));
        Assert.True(schedule.IsOnShift(Instants.Utc("2026-01-16T00:00Z")));
        Assert.True(schedule.IsOnShift(Instants.Utc("2026-01-16T23:59:59Z")));
        Assert.False(schedule.IsOnShift(Instants.Utc("2026-01-17T00:00Z")));
        Assert.False(schedule.IsOnShift(Instants.Utc("2026-01-15T23:59:59Z")));
    }

    [Fact]
    public void The_instants_offset_does_not_matter_only_the_moment()
    {
        var schedule = Schedule(NewYork, (DayOfWeek.Wednesday, "08:00", "16:00"));
        var moment = new DateTimeOffset(2026, 1, 14, 22, 30, 0, TimeSpan.FromHours(9)); // Tokyo 22:30 = 13:30 UTC = 08:30 EST
        Assert.True(schedule.IsOnShift(moment));
    }

    [Fact]
    public void Overlaps_are_found_pairwise_and_on_the_weeks_wrap()
    {
        WeeklyShift S(DayOfWeek d, string a, string b) => new(d, Time(a), Time(b));
        Assert.Equal([(0, 1)], WeeklySchedule.Overlaps([S(DayOfWeek.Monday, "08:00", "12:00"), S(DayOfWeek.Monday, "11:59", "13:00")]));
        Assert.Empty(WeeklySchedule.Overlaps([S(DayOfWeek.Monday, "08:00", "12:00"), S(DayOfWeek.Monday, "12:00", "13:00")]));
        Assert.Equal([(0, 1)], WeeklySchedule.Overlaps([S(DayOfWeek.Sunday, "23:00", "02:00"), S(DayOfWeek.Monday, "01:00", "03:00")]));
        Assert.Empty(WeeklySchedule.Overlaps([S(DayOfWeek.Sunday, "23:00", "02:00"), S(DayOfWeek.Monday, "02:00", "03:00")]));
        Assert.Equal([(0, 2)], WeeklySchedule.Overlaps([S(DayOfWeek.Tuesday, "22:00", "06:00"), S(DayOfWeek.Thursday, "08:00", "09:00"), S(DayOfWeek.Wednesday, "05:00", "07:00")]));
    }

    [Fact]
    public void Shift_construction_refuses_impossible_times()
    {
        Assert.Throws<ArgumentException>(() => new WeeklyShift(DayOfWeek.Monday, Time("08:00"), Time("08:00")));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeeklyShift(DayOfWeek.Monday, TimeSpan.FromDays(1), Time("08:00")));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeeklyShift(DayOfWeek.Monday, Time("08:00"), TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromHours(8), new WeeklyShift(DayOfWeek.Monday, Time("22:00"), Time("06:00")).Length);
    }
}
