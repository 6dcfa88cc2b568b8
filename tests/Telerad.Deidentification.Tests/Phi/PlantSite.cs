namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// A data set of a corpus file (the top level or an item at any depth) with its path; sets planted values
/// and records them in the manifest. Values are built as bytes here (see <see cref="PhiText"/>), never through
/// Telerad.Dicom's text encoder, and padded to even length as PS3.5 7.1.1 requires.
/// </summary>
public sealed class PlantSite(PlantFile file, DicomDataset dataset, string path)
{
    public PlantFile File { get; } = file;

    public DicomDataset Dataset { get; } = dataset;

    public string Path { get; } = path;

    public string PathOf(DicomTag tag) => Path.Length == 0 ? tag.ToString() : $"{Path}/{tag}";

    /// <summary>Sets text in the file's repertoire (ASCII for VRs outside the Specific Character Set) and records what it holds.</summary>
    public PlantSite Text(DicomTag tag, DicomVR vr, string text, string category, string? what = null)
    {
        var usesCharset = DicomVRInfo.UsesSpecificCharacterSet(vr);
        var bytes = usesCharset ? File.EncodeText(text) : PhiText.Encode(text, PhiEncoding.Ascii);
        Dataset.Set(new DicomElement(tag, vr, Pad(bytes, vr)));
        Forget(tag);
        File.Record(PathOf(tag), text, usesCharset ? File.TextEncodingOf : _ => PhiEncoding.Ascii, category, what ?? Describe(tag, vr));
        return this;
    }

    /// <summary>A multi-valued PN (or other text) element: values joined by '\'.</summary>
    public PlantSite Values(DicomTag tag, DicomVR vr, IEnumerable<string> values, string category, string? what = null) =>
        Text(tag, vr, string.Join('\\', values), category, what);

    /// <summary>Sets a binary (or UN) value holding <paramref name="text"/> in <paramref name="encoding"/>.</summary>
    public PlantSite Bytes(DicomTag tag, DicomVR vr, string text, PhiEncoding encoding, string category, string? what = null)
    {
        var bytes = PhiText.Encode(text, encoding);
        Dataset.Set(new DicomElement(tag, vr, Pad(bytes, vr)));
        Forget(tag);
        File.Record(PathOf(tag), text, _ => encoding, category, what ?? Describe(tag, vr) + " " + encoding);
        return this;
    }

    /// <summary>Sets a value that holds no planted identifier (structure the planted values need, e.g. Rows of an overlay).</summary>
    public PlantSite Plain(DicomTag tag, DicomVR vr, byte[] bytes)
    {
        Dataset.Set(new DicomElement(tag, vr, Pad(bytes, vr)));
        Forget(tag);
        return this;
    }

    /// <summary>Drops manifest entries of an element that is being replaced (a later planter may overwrite an earlier one's value).</summary>
    public void Forget(DicomTag tag)
    {
        var path = PathOf(tag);
        File.Entries.RemoveAll(e => e.Path == path || e.Path.StartsWith(path + "[", StringComparison.Ordinal));
    }

    public PlantSite PlainText(DicomTag tag, DicomVR vr, string text) => Plain(tag, vr, PhiText.Encode(text, PhiEncoding.Ascii));

    public PlantSite PlainUInt16(DicomTag tag, params ushort[] values)
    {
        Dataset.SetValues(tag, DicomVR.US, values);
        Forget(tag);
        return this;
    }

    /// <summary>Item <paramref name="index"/> of sequence <paramref name="tag"/>, creating the sequence and items as needed.</summary>
    public PlantSite Item(DicomTag tag, int index = 0)
    {
        if (Dataset[tag] is not DicomSequence sequence)
        {
            sequence = new DicomSequence(tag);
            Dataset.Set(sequence);
        }

        while (sequence.Items.Count <= index)
        {
            sequence.Items.Add(new DicomDataset());
        }

        return new PlantSite(File, sequence.Items[index], $"{PathOf(tag)}[{index}]");
    }

    /// <summary>A new item appended to sequence <paramref name="tag"/> (after the items a real file already has).</summary>
    public PlantSite AppendItem(DicomTag tag)
    {
        var count = Dataset[tag] is DicomSequence s ? s.Items.Count : 0;
        return Item(tag, count);
    }

    /// <summary>
    /// Reserves (or finds) the block of <paramref name="creator"/> in <paramref name="group"/> (PS3.5 7.8.1) and
    /// returns the block byte; the creator string is recorded when it holds a planted identifier.
    /// </summary>
    public byte PrivateBlock(ushort group, string creator)
    {
        for (ushort element = 0x10; element <= 0xFF; element++)
        {
            var creatorTag = new DicomTag(group, element);
            if (Dataset.TryGetElement(creatorTag, out var existing))
            {
                if (string.Equals(System.Text.Encoding.Latin1.GetString(existing.Value.GetMemory().Span).TrimEnd(' ', '\0'), creator, StringComparison.Ordinal))
                {
                    return (byte)element;
                }

                continue;
            }

            if (!Dataset.Contains(creatorTag))
            {
                Text(creatorTag, DicomVR.LO, creator, PlantCategory.PrivateCreator, "private creator");
                return (byte)element;
            }
        }

        throw new InvalidOperationException($"No free private block in group {group:X4}.");
    }

    public static DicomTag PrivateTag(ushort group, byte block, byte offset) => new(group, (ushort)((block << 8) | offset));

    public static byte[] Pad(byte[] bytes, DicomVR vr)
    {
        if ((bytes.Length & 1) == 0)
        {
            return bytes;
        }

        var padded = new byte[bytes.Length + 1];
        bytes.CopyTo(padded, 0);
        padded[^1] = DicomVRInfo.PaddingByte(vr);
        return padded;
    }

    private static string Describe(DicomTag tag, DicomVR vr)
    {
        var keyword = DicomDictionary.KeywordOf(tag);
        return (keyword.Length > 0 ? keyword : tag.IsPrivate ? "private" : tag.ToString()) + " " + DicomVRInfo.ToCode(vr);
    }
}
