namespace Telerad.Reading.Scheduling;

/// <summary>
/// A radiologist's weekly shifts in their own IANA time zone. Whether they are on shift at an instant is decided on
/// the wall clock of that zone, so shifts follow daylight saving time: a 08:00-16:00 shift in America/New_York starts
/// at 13:00 UTC in winter and at 12:00 UTC in summer.
/// </summary>
public sealed class WeeklySchedule
{
    public WeeklySchedule(TimeZoneInfo timeZone, IEnumerable<WeeklyShift> shifts)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        ArgumentNullException.ThrowIfNull(shifts);
        TimeZone = timeZone;
        Shifts = shifts.ToArray();
    }

    public TimeZoneInfo TimeZone { get; }

    public IReadOnlyList<WeeklyShift> Shifts { get; }

    /// <summary>The IANA id, e.g. <c>America/New_York</c>.</summary>
    public string TimeZoneId => TimeZone.Id;

    /// <summary>The radiologist's wall-clock time at <paramref name="instant"/>.</summary>
    public DateTime LocalTime(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime;

    /// <summary>The shift covering <paramref name="instant"/>, or null when off shift.</summary>
    public WeeklyShift? ShiftAt(DateTimeOffset instant)
    {
        var local = LocalTime(instant);
        return Shifts.FirstOrDefault(s => s.Covers(local.DayOfWeek, local.TimeOfDay));
    }

    public bool IsOnShift(DateTimeOffset instant) => ShiftAt(instant) is not null;

    /// <summary>Pairs of shifts (indexes into <paramref name="shifts"/>) whose wall-clock windows overlap, the week being circular.</summary>
    public static IReadOnlyList<(int First, int Second)> Overlaps(IReadOnlyList<WeeklyShift> shifts)
    {
        ArgumentNullException.ThrowIfNull(shifts);
        const int week = 7 * 1440;
        var pieces = new List<(int Shift, int Start, int End)>();
        for (var i = 0; i < shifts.Count; i++)
        {
            var (start, end) = shifts[i].MinutesOfWeek();
            if (end <= week)
            {
                pieces.Add((i, start, end));
            }
            else
            {
                // Sunday night into Monday morning wraps to the start of the week.
                pieces.Add((i, start, week));
                pieces.Add((i, 0, end - week));
            }
        }
        var found = new SortedSet<(int, int)>();
        for (var a = 0; a < pieces.Count; a++)
        {
            for (var b = a + 1; b < pieces.Count; b++)
            {
                var (sa, s1, e1) = pieces[a];
                var (sb, s2, e2) = pieces[b];
                if (sa != sb && s1 < e2 && s2 < e1)
                {
                    found.Add((Math.Min(sa, sb), Math.Max(sa, sb)));
                }
            }
        }
        return [.. found];
    }
}
