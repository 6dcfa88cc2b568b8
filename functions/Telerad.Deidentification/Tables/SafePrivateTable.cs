using System.Collections.Frozen;

namespace Telerad.Deidentification;

/// <summary>
/// PS3.15 Table E.3.10-1: private attributes the standard lists as safe to retain, matched by private
/// creator, group and the element's offset within the creator's block ((gggg,xxEE) → EE).
/// </summary>
internal sealed class SafePrivateTable
{
    public const string FileName = "ps3.15-table-e3.10-1-safe-private.csv";

    private static readonly Lazy<SafePrivateTable> Shared = new(() => new SafePrivateTable(CsvTable.ReadEmbedded(FileName)));

    private readonly FrozenSet<(ushort Group, string Creator, byte Offset)> _entries;

    public SafePrivateTable(IEnumerable<Dictionary<string, string>> rows)
    {
        var entries = new HashSet<(ushort, string, byte)>();
        foreach (var row in rows)
        {
            var hex = row["tag"].Trim().TrimStart('(').TrimEnd(')');
            var parts = hex.Split(',');
            var group = Convert.ToUInt16(parts[0], 16);
            var offset = Convert.ToByte(parts[1][2..], 16); // "xxEE"
            entries.Add((group, Normalize(row["private_creator"]), offset));
        }

        _entries = entries.ToFrozenSet();
        Count = _entries.Count;
    }

    public static SafePrivateTable Standard => Shared.Value;

    public int Count { get; }

    public bool IsSafe(ushort group, string creator, byte offset) => _entries.Contains((group, Normalize(creator), offset));

    /// <summary>Creator strings are compared without padding, case as written (PS3.5 7.8.1 creators are case sensitive).</summary>
    private static string Normalize(string creator) => creator.Trim(' ', '\0');
}
