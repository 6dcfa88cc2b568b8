using System.Text.RegularExpressions;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// Why PS3.15 requires a planted location to lose its value under a profile, or null when nothing does (the
/// value may legitimately survive). Applies Table E.1-1 along the whole path (an item's element is gone when an
/// enclosing sequence is removed, emptied or replaced), the private-group, overlay/curve-group and forbidden-group
/// rules of E.1.1, and Table E.3.10-1 for Retain Safe Private.
/// </summary>
public static partial class PlantCoverage
{
    private static readonly HashSet<string> SequenceRemovingActions = ["X", "Z", "D", "X/Z", "X/D", "Z/D", "X/Z/D"];

    [GeneratedRegex(@"^\((?<g>[0-9A-F]{4}),(?<e>[0-9A-F]{4})\)(\[(?<i>\d+)\])?$")]
    private static partial Regex Segment();

    public static string? Rule(DicomDataset dataset, string path, DeidentificationProfile profile)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(profile);
        if (path == "preamble")
        {
            return "the preamble is zeroed";
        }

        if (path.StartsWith("meta/", StringComparison.Ordinal))
        {
            return "the File Meta Information is rebuilt";
        }

        var table = ConfidentialityTables.Standard;
        var segments = path.Split('/');
        DicomDataset? current = dataset;
        for (var k = 0; k < segments.Length; k++)
        {
            var match = Segment().Match(segments[k]);
            if (!match.Success || current is null)
            {
                throw new InvalidOperationException($"Cannot follow path {path} at '{segments[k]}'.");
            }

            var tag = new DicomTag(Convert.ToUInt32(match.Groups["g"].Value + match.Groups["e"].Value, 16));
            var isLeaf = k == segments.Length - 1;
            if (tag.IsIllegalOddGroup)
            {
                return $"group {tag.Group:X4} must not appear";
            }

            if ((tag.Group & 1) == 1)
            {
                return PrivateRule(current, tag, isLeaf, profile, table);
            }

            if ((tag.Group is >= 0x5000 and <= 0x501E or >= 0x6000 and <= 0x601E) && (tag.Group & 1) == 0
                && !profile.Has(DeidentificationOption.CleanGraphics))
            {
                return $"{(tag.Group >= 0x6000 ? "overlay" : "curve")} group {tag.Group:X4} is removed";
            }

            var action = table.Action(tag, profile);
            if (isLeaf)
            {
                return action is null or "K" ? null : $"{tag} {action}";
            }

            if (action is not null && SequenceRemovingActions.Contains(action))
            {
                return $"sequence {tag} {action}";
            }

            current = match.Groups["i"].Success && current[tag] is DicomSequence sequence
                ? sequence.Items[int.Parse(match.Groups["i"].Value, System.Globalization.CultureInfo.InvariantCulture)]
                : null;
        }

        return null;
    }

    private static string? PrivateRule(DicomDataset holder, DicomTag tag, bool isLeaf, DeidentificationProfile profile, ConfidentialityTables table)
    {
        if (!profile.Has(DeidentificationOption.RetainSafePrivate))
        {
            return "private attributes are removed";
        }

        if (tag.IsPrivateCreator)
        {
            var creator = holder.GetString(tag);
            return table.HasSafeElements(creator, tag.Group) ? null : "private block with no safe attribute";
        }

        var owner = holder.GetPrivateCreator(tag);
        return isLeaf && table.IsSafePrivate(owner, tag.Group, (byte)tag.Element) ? null : "private attribute not in Table E.3.10-1";
    }
}
