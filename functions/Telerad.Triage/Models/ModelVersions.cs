namespace Telerad.Triage;

/// <summary>The "{id}/{version}" names of a model store, and the order of versions ("2" before "10").</summary>
public static class ModelVersions
{
    /// <summary>Numeric versions in numeric order; anything else ordinally, after the numeric ones.</summary>
    public static IComparer<string> Comparer { get; } = Comparer<string>.Create(Compare);

    public static string IdOf(string idAndVersion) => idAndVersion[..idAndVersion.IndexOf('/', StringComparison.Ordinal)];

    public static string VersionOf(string idAndVersion) => idAndVersion[(idAndVersion.IndexOf('/', StringComparison.Ordinal) + 1)..];

    private static int Compare(string? x, string? y)
    {
        var xNumber = long.TryParse(x, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var a);
        var yNumber = long.TryParse(y, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var b);
        return (xNumber, yNumber) switch
        {
            (true, true) => a != b ? a.CompareTo(b) : string.CompareOrdinal(x, y),
            (true, false) => -1,
            (false, true) => 1,
            _ => string.CompareOrdinal(x, y),
        };
    }
}
