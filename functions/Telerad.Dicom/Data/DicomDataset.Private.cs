namespace Telerad.Dicom;

/// <summary>
/// Private data elements (PS3.5 7.8.1): a creator element (gggg,00xx) reserves the block (gggg,xx00-xxFF)
/// for one private creator. Blocks are found by creator name, never by a fixed element number, because
/// the same creator's block number differs from file to file.
/// </summary>
public sealed partial class DicomDataset
{
    /// <summary>The private creator that owns a private element's block, or null (no creator: an orphan element).</summary>
    public string? GetPrivateCreator(DicomTag tag)
    {
        if (!tag.IsPrivate || tag.IsPrivateCreator || tag.Element < 0x1000)
        {
            return null;
        }

        return GetString(tag.PrivateCreatorTag);
    }

    /// <summary>The block byte (xx) reserved for <paramref name="creator"/> in <paramref name="group"/>, or null.</summary>
    public int? FindPrivateBlock(ushort group, string creator)
    {
        ArgumentNullException.ThrowIfNull(creator);
        foreach (var item in Range(new DicomTag(group, 0x0010), new DicomTag(group, 0x00FF)))
        {
            if (string.Equals(GetString(item.Tag), creator.TrimEnd(' '), StringComparison.Ordinal))
            {
                return item.Tag.Element;
            }
        }

        return null;
    }

    /// <summary>The tag of element <paramref name="offset"/> (0x00-0xFF) in <paramref name="creator"/>'s block, or null if not reserved.</summary>
    public DicomTag? GetPrivateTag(ushort group, string creator, byte offset) =>
        FindPrivateBlock(group, creator) is { } block ? new DicomTag(group, (ushort)((block << 8) | offset)) : null;

    /// <summary>Finds or reserves a block for <paramref name="creator"/> in an odd group and returns the tag of element <paramref name="offset"/>.</summary>
    public DicomTag ReservePrivateTag(ushort group, string creator, byte offset)
    {
        ArgumentException.ThrowIfNullOrEmpty(creator);
        if ((group & 1) == 0 || group is 0x0001 or 0x0003 or 0x0005 or 0x0007 or 0xFFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(group), $"{group:X4} is not a private group.");
        }

        if (GetPrivateTag(group, creator, offset) is { } existing)
        {
            return existing;
        }

        for (ushort block = 0x10; block <= 0xFF; block++)
        {
            var creatorTag = new DicomTag(group, block);
            if (!Contains(creatorTag))
            {
                SetString(creatorTag, creator, DicomVR.LO);
                return new DicomTag(group, (ushort)((block << 8) | offset));
            }
        }

        throw new InvalidOperationException($"Group {group:X4} has no free private block.");
    }
}
