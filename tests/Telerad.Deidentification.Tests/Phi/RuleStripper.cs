using System.Globalization;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// NOT a de-identifier: the crudest reading of PS3.15 E.1.1 (drop every attribute Table E.1-1 acts on, replace UIDs,
/// drop private, overlay, curve and forbidden groups, keep safe private attributes under Retain Safe Private).
/// It exists to show that the corpus asks nothing impossible: if this passes the PHI scan and the must-survive
/// checks, a failure of the real engine is the engine's.
/// </summary>
public static class RuleStripper
{
    public static DicomDataset Strip(DicomDataset dataset, DeidentificationProfile profile)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(profile);
        var serial = 0;
        return Strip(dataset, profile, ConfidentialityTables.Standard, ref serial);
    }

    private static DicomDataset Strip(DicomDataset dataset, DeidentificationProfile profile, ConfidentialityTables table, ref int serial)
    {
        var result = new DicomDataset();
        foreach (var item in dataset)
        {
            var tag = item.Tag;
            if (tag.IsIllegalOddGroup || (tag.Group is >= 0x5000 and <= 0x501E or >= 0x6000 and <= 0x601E && (tag.Group & 1) == 0))
            {
                continue;
            }

            if ((tag.Group & 1) == 1)
            {
                if (profile.Has(DeidentificationOption.RetainSafePrivate) && item is DicomElement && KeepPrivate(dataset, tag, table))
                {
                    result.Set(item);
                }

                continue;
            }

            var action = table.Action(tag, profile);
            if (action is null or "K")
            {
                if (item is DicomSequence sequence)
                {
                    var items = new List<DicomDataset>();
                    foreach (var child in sequence.Items)
                    {
                        items.Add(Strip(child, profile, table, ref serial));
                    }

                    result.Set(new DicomSequence(tag, items));
                }
                else
                {
                    result.Set(item);
                }
            }
            else if (action == "U" && item is DicomElement)
            {
                var uid = "2.25." + (++serial).ToString(CultureInfo.InvariantCulture);
                result.Set(new DicomElement(tag, DicomVR.UI, PlantSite.Pad(System.Text.Encoding.ASCII.GetBytes(uid), DicomVR.UI)));
            }
        }

        return result;
    }

    private static bool KeepPrivate(DicomDataset dataset, DicomTag tag, ConfidentialityTables table)
    {
        if (tag.IsPrivateCreator)
        {
            var creator = dataset.GetString(tag);
            return dataset.Range(new DicomTag(tag.Group, (ushort)(tag.Element << 8)), new DicomTag(tag.Group, (ushort)((tag.Element << 8) | 0xFF)))
                .Any(i => table.IsSafePrivate(creator, tag.Group, (byte)i.Tag.Element));
        }

        return table.IsSafePrivate(dataset.GetPrivateCreator(tag), tag.Group, (byte)tag.Element);
    }
}
