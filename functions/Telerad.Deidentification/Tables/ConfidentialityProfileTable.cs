using System.Collections.Frozen;
using System.Globalization;

namespace Telerad.Deidentification;

/// <summary>One row of PS3.15 Table E.1-1: the Basic profile's action code and each option's override.</summary>
internal sealed record ProfileRow(int Index, DicomTag Tag, uint Mask, string Keyword, string Basic, IReadOnlyDictionary<DeidentificationOption, string> OptionCodes);

/// <summary>
/// PS3.15 Table E.1-1 (2026c), read from the embedded copy of the standard's table. Repeating-group rows
/// ((50xx,xxxx), (60xx,3000) ...) match by mask; the "(gggg,eeee) where gggg is odd" row is the private row.
/// </summary>
internal sealed class ConfidentialityProfileTable
{
    public const string FileName = "ps3.15-table-e1-1.csv";

    /// <summary>Table column → option (the column names of the shared table).</summary>
    public static readonly IReadOnlyDictionary<string, DeidentificationOption> Columns = new Dictionary<string, DeidentificationOption>(StringComparer.Ordinal)
    {
        ["rtn_safe_priv"] = DeidentificationOption.RetainSafePrivate,
        ["rtn_uids"] = DeidentificationOption.RetainUids,
        ["rtn_dev_id"] = DeidentificationOption.RetainDeviceIdentity,
        ["rtn_inst_id"] = DeidentificationOption.RetainInstitutionIdentity,
        ["rtn_pat_chars"] = DeidentificationOption.RetainPatientCharacteristics,
        ["rtn_long_full_dates"] = DeidentificationOption.RetainLongitudinalTemporalInformationFullDates,
        ["rtn_long_modif_dates"] = DeidentificationOption.RetainLongitudinalTemporalInformationModifiedDates,
        ["clean_desc"] = DeidentificationOption.CleanDescriptors,
        ["clean_struct_cont"] = DeidentificationOption.CleanStructuredContent,
        ["clean_graph"] = DeidentificationOption.CleanGraphics,
    };

    private static readonly Lazy<ConfidentialityProfileTable> Shared = new(() => new ConfidentialityProfileTable(CsvTable.ReadEmbedded(FileName)));

    private readonly FrozenDictionary<uint, ProfileRow> _exact;
    private readonly ProfileRow[] _patterns;

    public ConfidentialityProfileTable(IEnumerable<Dictionary<string, string>> rows)
    {
        var all = new List<ProfileRow>();
        foreach (var row in rows)
        {
            // A plain dictionary: 656 rows of at most 10 entries are built at every start, frozen ones cost more to build than they save.
            var options = Columns.Where(c => row[c.Key].Length > 0).ToDictionary(c => c.Value, c => row[c.Key]);
            var pattern = row["tag"];
            if (pattern.Contains("odd", StringComparison.Ordinal))
            {
                PrivateRow = new ProfileRow(-1, default, 0, "(private)", row["basic"], options);
                continue;
            }

            var (tag, mask) = ParsePattern(pattern);
            all.Add(new ProfileRow(all.Count, new DicomTag(tag), mask, row["keyword"], row["basic"], options));
        }

        Rows = all;
        _exact = all.Where(r => r.Mask == 0xFFFFFFFFu).ToFrozenDictionary(r => r.Tag.Value);
        _patterns = [.. all.Where(r => r.Mask != 0xFFFFFFFFu)];
        if (PrivateRow is null)
        {
            throw new InvalidDataException("Table E.1-1 has no private-group row.");
        }
    }

    public static ConfidentialityProfileTable Standard => Shared.Value;

    public IReadOnlyList<ProfileRow> Rows { get; }

    /// <summary>The row for odd (private) groups.</summary>
    public ProfileRow PrivateRow { get; } = null!;

    public ProfileRow? Find(DicomTag tag)
    {
        if (_exact.TryGetValue(tag.Value, out var row))
        {
            return row;
        }

        foreach (var pattern in _patterns)
        {
            if ((tag.Value & pattern.Mask) == pattern.Tag.Value)
            {
                return pattern;
            }
        }

        return null;
    }

    /// <summary>"(60xx,3000)" → tag 0x60003000 with mask 0xFF00FFFF.</summary>
    internal static (uint Tag, uint Mask) ParsePattern(string pattern)
    {
        var hex = pattern.Trim().TrimStart('(').TrimEnd(')').Replace(",", string.Empty, StringComparison.Ordinal);
        if (hex.Length != 8)
        {
            throw new InvalidDataException($"Unexpected tag pattern '{pattern}' in Table E.1-1.");
        }

        uint tag = 0, mask = 0;
        foreach (var c in hex)
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
}
