namespace Telerad.Reading.Scheduling;

/// <summary>
/// One weekly working window in the radiologist's own wall-clock time: it starts on <see cref="Day"/> at
/// <see cref="Start"/> and ends at <see cref="End"/> the same day, or the next day when <see cref="Overnight"/>
/// (the end is not after the start, e.g. 22:00-06:00). <see cref="End"/> may be 24:00 (<see cref="TimeSpan"/> of one day).
/// </summary>
public sealed record WeeklyShift
{
    public WeeklyShift(DayOfWeek day, TimeSpan start, TimeSpan end)
    {
        if (start < TimeSpan.Zero || start >= TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, "a shift starts at 00:00-23:59");
        }
        if (end <= TimeSpan.Zero || end > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(end), end, "a shift ends at 00:01-24:00");
        }
        if (start == end)
        {
            throw new ArgumentException("a shift's start and end must differ", nameof(end));
        }
        Day = day;
        Start = start;
        End = end;
    }

    public DayOfWeek Day { get; }

    public TimeSpan Start { get; }

    public TimeSpan End { get; }

    /// <summary>The shift crosses midnight into the next day.</summary>
    public bool Overnight => End <= Start;

    /// <summary>Wall-clock length (a DST change during the shift makes the real one an hour longer or shorter).</summary>
    public TimeSpan Length => Overnight ? TimeSpan.FromDays(1) - Start + End : End - Start;

    /// <summary>Is the wall-clock moment (<paramref name="day"/>, <paramref name="timeOfDay"/>) inside this shift?</summary>
    public bool Covers(DayOfWeek day, TimeSpan timeOfDay)
    {
        if (!Overnight)
        {
            return day == Day && timeOfDay >= Start && timeOfDay < End;
        }
        // Overnight: the evening part on the shift's day, the morning part on the day after.
        return (day == Day && timeOfDay >= Start) || (day == NextDay(Day) && timeOfDay < End);
    }

    /// <summary>The shift as minutes since Monday 00:00 (start inclusive, end exclusive; the end may pass the week's end).</summary>
    internal (int Start, int End) MinutesOfWeek()
    {
        var dayIndex = ((int)Day + 6) % 7; // Monday = 0
        var start = (dayIndex * 1440) + (int)Start.TotalMinutes;
        return (start, start + (int)Length.TotalMinutes);
    }

    internal static DayOfWeek NextDay(DayOfWeek day) => (DayOfWeek)(((int)day + 1) % 7);

    public override string ToString() => $"{Day} {Clock(Start)}-{Clock(End)}";

    private static string Clock(TimeSpan time) =>
        FormattableString.Invariant($"{(int)time.TotalHours:00}:{time.Minutes:00}");
}
