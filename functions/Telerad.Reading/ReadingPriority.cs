namespace Telerad.Reading;

/// <summary>A study's reading priority, most urgent first (the order's priority, upgraded to STAT by an AI critical flag).</summary>
public enum ReadingPriority
{
    Stat = 0,
    Urgent = 1,
    Routine = 2,
}

/// <summary>The priority names used in configuration documents and messages: <c>STAT</c>, <c>URGENT</c>, <c>ROUTINE</c>.</summary>
public static class ReadingPriorities
{
    public static IReadOnlyList<ReadingPriority> All { get; } = [ReadingPriority.Stat, ReadingPriority.Urgent, ReadingPriority.Routine];

    public static string Name(ReadingPriority priority) => priority switch
    {
        ReadingPriority.Stat => "STAT",
        ReadingPriority.Urgent => "URGENT",
        ReadingPriority.Routine => "ROUTINE",
        _ => throw new ArgumentOutOfRangeException(nameof(priority), priority, "unknown priority"),
    };

    public static bool TryParse(string? name, out ReadingPriority priority)
    {
        foreach (var p in All)
        {
            if (string.Equals(Name(p), name, StringComparison.Ordinal))
            {
                priority = p;
                return true;
            }
        }
        priority = ReadingPriority.Routine;
        return false;
    }
}
