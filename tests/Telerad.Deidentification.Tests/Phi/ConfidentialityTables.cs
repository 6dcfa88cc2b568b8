using System.Globalization;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// PS3.15 Table E.1-1 (action codes per attribute, one column per option) and Table E.3.10-1 (safe private
/// attributes), read straight from the standard's CSV files in the repository. The corpus uses them to decide
/// where planting makes sense (only where the standard requires removal) and the sanity tests use them to prove
/// that every planted value must be gone under each profile. This is the standard's data, not the engine's code.
/// </summary>
public sealed class ConfidentialityTables
{
    private static readonly Lazy<ConfidentialityTables> Shared = new(Load);

    private static readonly Dictionary<DeidentificationOption, string> Columns = new()
    {
        [DeidentificationOption.RetainSafePrivate] = "rtn_safe_priv",
        [DeidentificationOption.RetainUids] = "rtn_uids",
        [DeidentificationOption.RetainDeviceIdentity] = "rtn_dev_id",
        [DeidentificationOption.RetainInstitutionIdentity] = "rtn_inst_id",
        [DeidentificationOption.RetainPatientCharacteristics] = "rtn_pat_chars",
        [DeidentificationOption.RetainLongitudinalTemporalInformationFullDates] = "rtn_long_full_dates",
        [DeidentificationOption.RetainLongitudinalTemporalInformationModifiedDates] = "rtn_long_modif_dates",
        [DeidentificationOption.CleanDescriptors] = "clean_desc",
        [DeidentificationOption.CleanStructuredContent] = "clean_struct_cont",
        [DeidentificationOption.CleanGraphics] = "clean_graph",
    };

    private readonly Dictionary<uint, Dictionary<string, string>> _rows;
    private readonly List<(uint Tag, uint Mask, Dictionary<string, string> Row)> _patterns;
    private readonly HashSet<(string Creator, ushort Group, byte Offset)> _safePrivate;

    private ConfidentialityTables(
        Dictionary<uint, Dictionary<string, string>> rows,
        List<(uint, uint, Dictionary<string, string>)> patterns,
        HashSet<(string, ushort, byte)> safePrivate)
    {
        _rows = rows;
        _patterns = patterns;
        _safePrivate = safePrivate;
    }

    public static ConfidentialityTables Standard => Shared.Value;

    public static string Directory => Path.Combine(Telerad.Dicom.Tests.TestData.RepositoryRoot, "functions", "Telerad.Deidentification", "Standard");

    public bool IsListed(DicomTag tag) => Row(tag) is not null;

    /// <summary>The Basic Profile action ("X", "Z", "D", "U", "X/Z" ...) or null when the attribute is not in the table.</summary>
    public string? BasicAction(DicomTag tag) => Row(tag)?["basic"];

    /// <summary>
    /// The action under a profile: an option's code overrides the Basic one (PS3.15 E.3); when several options give
    /// codes, K wins (it is the one that lets a value through, which is what matters for the planted values).
    /// </summary>
    public string? Action(DicomTag tag, DeidentificationProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (Row(tag) is not { } row)
        {
            return null;
        }

        var codes = profile.Options.Select(o => row[Columns[o]]).Where(c => c.Length > 0).ToList();
        return codes.Contains("K") ? "K" : codes.Count > 0 ? codes[0] : row["basic"];
    }

    /// <summary>True for attributes that Retain Longitudinal Temporal Information (Modified Dates) cleans: dates, times, offsets.</summary>
    public bool IsTemporal(DicomTag tag) => Row(tag) is { } row && row["rtn_long_modif_dates"] == "C";

    /// <summary>True when Table E.3.10-1 lists element <paramref name="offset"/> (the xx of (gggg,xxee)) of <paramref name="creator"/>'s block in <paramref name="group"/>.</summary>
    public bool IsSafePrivate(string? creator, ushort group, byte offset) =>
        creator is not null && _safePrivate.Contains((creator.Trim(), group, offset));

    /// <summary>True when some element of <paramref name="creator"/> in <paramref name="group"/> is in Table E.3.10-1.</summary>
    public bool HasSafeElements(string? creator, ushort group) =>
        creator is not null && _safePrivate.Any(s => s.Group == group && s.Creator == creator.Trim());

    private Dictionary<string, string>? Row(DicomTag tag)
    {
        if (_rows.TryGetValue(tag.Value, out var row))
        {
            return row;
        }

        foreach (var (value, mask, patternRow) in _patterns)
        {
            if ((tag.Value & mask) == value)
            {
                return patternRow;
            }
        }

        return null;
    }

    private static ConfidentialityTables Load()
    {
        var rows = new Dictionary<uint, Dictionary<string, string>>();
        var patterns = new List<(uint, uint, Dictionary<string, string>)>();
        foreach (var row in ReadCsv(Path.Combine(Directory, "ps3.15-table-e1-1.csv")))
        {
            var tag = row["tag"];
            if (tag.StartsWith("(gggg", StringComparison.Ordinal))
            {
                continue; // the private-attribute row: handled by the odd-group rule
            }

            var hex = tag.Trim('(', ')').Replace(",", string.Empty, StringComparison.Ordinal);
            uint value = 0, mask = 0;
            foreach (var c in hex)
            {
                value <<= 4;
                mask <<= 4;
                if (c is 'x' or 'X')
                {
                    continue;
                }

                value |= uint.Parse(c.ToString(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                mask |= 0xF;
            }

            if (mask == 0xFFFFFFFF)
            {
                rows[value] = row;
            }
            else
            {
                patterns.Add((value, mask, row));
            }
        }

        var safe = new HashSet<(string, ushort, byte)>();
        foreach (var row in ReadCsv(Path.Combine(Directory, "ps3.15-table-e3.10-1-safe-private.csv")))
        {
            var hex = row["tag"].Trim('(', ')').Split(',');
            var group = ushort.Parse(hex[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var offset = byte.Parse(hex[1][2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            safe.Add((row["private_creator"].Trim(), group, offset));
        }

        return new ConfidentialityTables(rows, patterns, safe);
    }

    /// <summary>RFC 4180 CSV with a header row: fields may be quoted, quotes inside doubled.</summary>
    private static IEnumerable<Dictionary<string, string>> ReadCsv(string path)
    {
        var lines = File.ReadAllText(path);
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var c = lines[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < lines.Length && lines[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                record.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                records.Add(record);
                record = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }

        var header = records[0];
        return records.Skip(1).Where(r => r.Count == header.Count)
            .Select(r => header.Zip(r).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal));
    }
}
