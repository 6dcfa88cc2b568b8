using System.Globalization;
using System.Text;

namespace Telerad.Dicom;

/// <summary>
/// The PS3.6 data dictionary (generated from the standard's table, see DicomDictionaryData.Generated.cs),
/// with repeating groups such as (50xx,xxxx), (60xx,xxxx) and (0028,04x0) resolved by mask.
/// </summary>
public static class DicomDictionary
{
    private static readonly Lazy<Tables> Data = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Every entry of the standard's dictionary, in tag order.</summary>
    public static IReadOnlyList<DicomDictionaryEntry> Entries => Data.Value.All;

    /// <summary>Looks up a public tag, including repeating groups; null for private or unknown tags.</summary>
    public static DicomDictionaryEntry? Find(DicomTag tag)
    {
        var tables = Data.Value;
        if (tables.Exact.TryGetValue(tag.Value, out var entry))
        {
            return entry;
        }

        foreach (var repeating in tables.Repeating)
        {
            if ((tag.Value & repeating.Mask) == repeating.Tag.Value)
            {
                return repeating;
            }
        }

        return null;
    }

    /// <summary>The VR an implicit VR data set implies for a tag (PS3.5 Annex A.1).</summary>
    public static DicomVR ImpliedVR(DicomTag tag)
    {
        if (tag.IsGroupLength)
        {
            return DicomVR.UL;
        }

        if (tag.IsPrivate)
        {
            return tag.IsPrivateCreator ? DicomVR.LO : DicomVR.UN;
        }

        return Find(tag)?.VR ?? DicomVR.UN;
    }

    /// <summary>Keyword for a tag: the dictionary's, or "GroupLength", "PrivateCreator", or empty.</summary>
    public static string KeywordOf(DicomTag tag)
    {
        if (tag.IsGroupLength)
        {
            return "GroupLength";
        }

        if (tag.IsPrivateCreator)
        {
            return "PrivateCreator";
        }

        return tag.IsPrivate ? string.Empty : Find(tag)?.Keyword ?? string.Empty;
    }

    public static bool TryGetTag(string keyword, out DicomTag tag)
    {
        if (Data.Value.ByKeyword.TryGetValue(keyword, out var entry) && !entry.IsRepeating)
        {
            tag = entry.Tag;
            return true;
        }

        tag = default;
        return false;
    }

    public static DicomDictionaryEntry? FindByKeyword(string keyword) =>
        Data.Value.ByKeyword.TryGetValue(keyword, out var entry) ? entry : null;

    private sealed record Tables(
        IReadOnlyList<DicomDictionaryEntry> All,
        Dictionary<uint, DicomDictionaryEntry> Exact,
        DicomDictionaryEntry[] Repeating,
        Dictionary<string, DicomDictionaryEntry> ByKeyword);

    private static Tables Load()
    {
        var text = Encoding.UTF8.GetString(DicomDictionaryData.Entries);
        var all = new List<DicomDictionaryEntry>(5400);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\t');
            var (tag, mask) = ParsePattern(f[0]);
            var vrs = f[3].Length == 0
                ? Array.Empty<DicomVR>()
                : f[3].Split('/').Select(DicomVRInfo.Parse).ToArray();
            all.Add(new DicomDictionaryEntry(new DicomTag(tag), mask, f[1], f[2], vrs, f[4], f[5] == "Y"));
        }

        all.Sort((a, b) => a.Tag.CompareTo(b.Tag));
        // Plain dictionaries: built at every process start, where frozen ones cost more to build than they save.
        var exact = all.Where(e => !e.IsRepeating).ToDictionary(e => e.Tag.Value);
        // Most specific masks first, so (0028,04x0) wins over a broader pattern if both ever match.
        var repeating = all.Where(e => e.IsRepeating).OrderByDescending(e => BitCount(e.Mask)).ToArray();
        var byKeyword = all.ToDictionary(e => e.Keyword, StringComparer.Ordinal);
        return new Tables(all, exact, repeating, byKeyword);
    }

    private static (uint Tag, uint Mask) ParsePattern(string pattern)
    {
        uint tag = 0, mask = 0;
        foreach (var c in pattern)
        {
            tag <<= 4;
            mask <<= 4;
            if (c is 'x' or 'X')
            {
                continue;
            }

            tag |= uint.Parse(c.ToString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            mask |= 0xF;
        }

        return (tag, mask);
    }

    private static int BitCount(uint value) => System.Numerics.BitOperations.PopCount(value);
}
