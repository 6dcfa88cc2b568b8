using System.Globalization;

namespace Telerad.Deidentification;

/// <summary>One row of PS3.15 Table E.1-1: the Basic profile's action code and each option's override.</summary>
internal sealed record ProfileRow(int Index, DicomTag Tag, uint Mask, string Keyword, string Basic, OptionCodes OptionCodes);

/// <summary>A table row's code under each option column that has one (PS3.15 Table E.1-1, E.3.4-1).</summary>
internal sealed class OptionCodes
{
    // Indexed by option: the options are numbered 0..9 in the order of the columns.
    private readonly string?[] _codes = new string?[ConfidentialityProfileTable.Columns.Length];

    /// <summary>The non-empty option cells of a table row (a column the table does not have counts as empty).</summary>
    public static OptionCodes FromRow(Dictionary<string, string> row)
    {
        var codes = new OptionCodes();
        foreach (var (column, option) in ConfidentialityProfileTable.Columns)
        {
            if (row.TryGetValue(column, out var code) && code.Length > 0)
            {
                codes._codes[(int)option] = code;
            }
        }

        return codes;
    }

    public bool TryGet(DeidentificationOption option, out string code)
    {
        code = _codes[(int)option]!;
        return code is not null;
    }
}

/// <summary>
/// PS3.15 Table E.1-1 (2026c), read from the embedded copy of the standard's table. Repeating-group rows
/// ((50xx,xxxx), (60xx,3000) ...) match by mask; the "(gggg,eeee) where gggg is odd" row is the private row.
/// </summary>
internal sealed class ConfidentialityProfileTable
{
    public const string FileName = "ps3.15-table-e1-1.csv";

    /// <summary>Table column → option (the column names of the shared table), in the options' numeric order.</summary>
    public static readonly (string Column, DeidentificationOption Option)[] Columns =
    [
        ("rtn_safe_priv", DeidentificationOption.RetainSafePrivate),
        ("rtn_uids", DeidentificationOption.RetainUids),
        ("rtn_dev_id", DeidentificationOption.RetainDeviceIdentity),
        ("rtn_inst_id", DeidentificationOption.RetainInstitutionIdentity),
        ("rtn_pat_chars", DeidentificationOption.RetainPatientCharacteristics),
        ("rtn_long_full_dates", DeidentificationOption.RetainLongitudinalTemporalInformationFullDates),
        ("rtn_long_modif_dates", DeidentificationOption.RetainLongitudinalTemporalInformationModifiedDates),
        ("clean_desc", DeidentificationOption.CleanDescriptors),
        ("clean_struct_cont", DeidentificationOption.CleanStructuredContent),
        ("clean_graph", DeidentificationOption.CleanGraphics),
    ];

    private static readonly Lazy<ConfidentialityProfileTable> Shared = new(() => new ConfidentialityProfileTable(CsvTable.ReadEmbedded(FileName)));

    // Rows for single tags, sorted by tag for a binary search; arrays, because the table is built at every start
    // and generic dictionaries over value-type keys cost more to compile and build than they save on lookups.
    private readonly uint[] _exactTags;
    private readonly ProfileRow[] _exactRows;
    private readonly ProfileRow[] _patterns;

    public ConfidentialityProfileTable(IEnumerable<Dictionary<string, string>> rows)
    {
        var all = new List<ProfileRow>();
        foreach (var row in rows)
        {
            var options = OptionCodes.FromRow(row);
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
        var exact = new List<ProfileRow>();
        var patterns = new List<ProfileRow>();
        foreach (var row in all)
        {
            (row.Mask == 0xFFFFFFFFu ? exact : patterns).Add(row);
        }

        exact.Sort((a, b) => a.Tag.Value.CompareTo(b.Tag.Value));
        _exactRows = [.. exact];
        _exactTags = new uint[_exactRows.Length];
        for (var i = 0; i < _exactRows.Length; i++)
        {
            _exactTags[i] = _exactRows[i].Tag.Value;
            if (i > 0 && _exactTags[i] == _exactTags[i - 1])
            {
                throw new InvalidDataException($"Table E.1-1 lists {_exactRows[i].Tag} twice.");
            }
        }

        _patterns = [.. patterns];
        if (PrivateRow is null)
        {
            throw new InvalidDataException("Table E.1-1 has no private-group row.");
        }
    }

    /// <summary>The option a table column stands for.</summary>
    public static bool TryGetOption(string column, out DeidentificationOption option)
    {
        foreach (var (name, value) in Columns)
        {
            if (name == column)
            {
                option = value;
                return true;
            }
        }

        option = default;
        return false;
    }

    public static ConfidentialityProfileTable Standard => Shared.Value;

    public IReadOnlyList<ProfileRow> Rows { get; }

    /// <summary>The row for odd (private) groups.</summary>
    public ProfileRow PrivateRow { get; } = null!;

    public ProfileRow? Find(DicomTag tag)
    {
        var index = TagSet.IndexOf(_exactTags, tag.Value);
        if (index >= 0)
        {
            return _exactRows[index];
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
