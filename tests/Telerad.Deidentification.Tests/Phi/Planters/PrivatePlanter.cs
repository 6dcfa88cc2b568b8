using System.Buffers.Binary;
using static Telerad.Deidentification.Tests.Phi.PlantedIdentifiers;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// Private data (PS3.5 7.8): a block whose creator string is PHI, text/binary/sequence/UN elements in it, an
/// unsafe element next to a safe one in a block that Table E.3.10-1 lists, an element with no creator, and
/// groups that are odd but not private (0001-0007, which PS3.5 7.1 forbids).
/// </summary>
public static class PrivatePlanter
{
    public const string UnsafeCreator = "ZQXWV PLANTEDNAME MRN-77319462-PLANT";
    public const string SafeCreator = "GEMS_ACQU_01";

    /// <summary>(0019,xx23) Table Speed, DS: listed as safe in Table E.3.10-1.</summary>
    public const byte SafeOffset = 0x23;
    public const string SafeValue = "17.25";

    public static void Plant(PlantFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        const string c = PlantCategory.Private;
        var top = file.Root;

        var a = top.PrivateBlock(0x0009, UnsafeCreator);
        top.Text(PlantSite.PrivateTag(0x0009, a, 0x10), DicomVR.LO, PlantTexts.Medium(file, 0), c)
            .Text(PlantSite.PrivateTag(0x0009, a, 0x11), DicomVR.UT, PlantTexts.Long(file), c)
            .Bytes(PlantSite.PrivateTag(0x0009, a, 0x12), DicomVR.OB, "Zqxwv^Plantedname MRN-77319462-PLANT", PhiEncoding.Utf16LE, c);
        var item = top.Item(PlantSite.PrivateTag(0x0009, a, 0x13));
        item.Text(DicomTags.PatientID, DicomVR.LO, PatientId.Value, c)
            .Item(DicomTags.ReferencedStudySequence)
            .Text(DicomTags.PatientName, DicomVR.PN, file.PrimaryName.Value, c)
            .Text(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, file.NewUid(), c);
        if (file.ExplicitVR)
        {
            top.Bytes(PlantSite.PrivateTag(0x0009, a, 0x14), DicomVR.UN, "Plantedname^Zqxwv 19630217", PhiEncoding.Ascii, PlantCategory.UnknownVR, "private UN with text");
            UnknownSequence(file, PlantSite.PrivateTag(0x0009, a, 0x15), "private UN sequence of undefined length");
        }

        if (file.Charset == PlantCharset.Iso2022Japanese)
        {
            // Japanese vendors' private text is often Shift-JIS or EUC-JP whatever (0008,0005) says.
            top.Bytes(PlantSite.PrivateTag(0x0009, a, 0x16), DicomVR.OB, "山田太郎", PhiEncoding.ShiftJis, c)
                .Bytes(PlantSite.PrivateTag(0x0009, a, 0x17), DicomVR.OB, "やまだたろう", PhiEncoding.EucJp, c);
        }

        // A block Table E.3.10-1 lists: its safe element must survive Retain Safe Private, its other elements must not.
        var b = top.PrivateBlock(0x0019, SafeCreator);
        var safeTag = PlantSite.PrivateTag(0x0019, b, SafeOffset);
        top.PlainText(safeTag, DicomVR.DS, SafeValue)
            .Text(PlantSite.PrivateTag(0x0019, b, 0xC0), DicomVR.LO, PlantTexts.Medium(file, 1), c, "unsafe element in a safe block");

        // No creator reserves this block (an orphan, PS3.5 7.8.1 violated): still private, still removed.
        var orphanGroup = (ushort)0x0013;
        while (top.Dataset.Range(new DicomTag(orphanGroup, 0), new DicomTag(orphanGroup, 0xFFFF)).Any())
        {
            orphanGroup += 2;
        }

        top.Text(new DicomTag(orphanGroup, 0x1010), DicomVR.LO, PlantTexts.Medium(file, 1), c, "private element without creator");

        // Odd groups that are not private and must not appear at all (PS3.5 7.1; PS3.15 E.1.1).
        top.Text(new DicomTag(0x0007, 0x0010), DicomVR.LO, "Zqxwv^Plantedname MRN-77319462-PLANT", PlantCategory.IllegalGroup, "group 0007")
            .Text(new DicomTag(0x0005, 0x1001), DicomVR.LO, "Plantedname 19630217", PlantCategory.IllegalGroup, "group 0005");
    }

    /// <summary>
    /// Replaces <paramref name="tag"/> with a UN element of undefined length that holds an implicit VR sequence
    /// (PS3.5 6.2.2): item > PN, and item > Referenced Study Sequence item > Patient ID. Written as raw bytes.
    /// </summary>
    public static void UnknownSequence(PlantFile file, DicomTag tag, string what)
    {
        ArgumentNullException.ThrowIfNull(file);
        var outer = new DicomDataset();
        var name = file.PrimaryName.Value;
        outer.Set(new DicomElement(DicomTags.PatientName, DicomVR.PN, PlantSite.Pad(file.EncodeText(name), DicomVR.PN)));
        var inner = new DicomDataset();
        inner.Set(new DicomElement(DicomTags.PatientID, DicomVR.LO, PlantSite.Pad(PhiText.Encode(PatientId.Value, PhiEncoding.Ascii), DicomVR.LO)));
        outer.Set(new DicomSequence(DicomTags.ReferencedStudySequence, [inner]));

        var bytes = RawUnknown(tag, undefinedLength: true, [outer]);
        Placeholder(file, tag, bytes);
        var path = file.Root.PathOf(tag);
        file.Record($"{path}[0]/{DicomTags.PatientName}", name, file.TextEncodingOf, PlantCategory.UnknownVR, what);
        file.Record($"{path}[0]/{DicomTags.ReferencedStudySequence}[0]/{DicomTags.PatientID}", PatientId.Value, file.TextEncodingOf, PlantCategory.UnknownVR, what);
    }

    /// <summary>Puts a placeholder element in the data set; <see cref="PhiCorpusWriter"/> writes <paramref name="raw"/> in its place.</summary>
    public static void Placeholder(PlantFile file, DicomTag tag, byte[] raw)
    {
        ArgumentNullException.ThrowIfNull(file);
        file.Root.Plain(tag, DicomVR.UN, PhiCorpusWriter.PlaceholderValue(file.RawElements.Count));
        file.RawElements.Add((tag, raw));
    }

    /// <summary>
    /// The bytes of an explicit VR UN element whose value is a sequence's items in Implicit VR Little Endian,
    /// with undefined length (header included) or as a defined-length value (items only, for a UN leaf).
    /// </summary>
    public static byte[] RawUnknown(DicomTag tag, bool undefinedLength, IEnumerable<DicomDataset> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var value = new MemoryStream();
        foreach (var item in items)
        {
            WriteTag(value, DicomTag.Item, 0xFFFFFFFF);
            DicomWriter.WriteDataset(value, item, DicomTransferSyntax.ImplicitVRLittleEndian);
            WriteTag(value, DicomTag.ItemDelimitation, 0);
        }

        if (!undefinedLength)
        {
            return value.ToArray();
        }

        WriteTag(value, DicomTag.SequenceDelimitation, 0);
        using var element = new MemoryStream();
        WriteTag(element, tag, null);
        element.Write("UN\0\0"u8);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, 0xFFFFFFFF);
        element.Write(length);
        value.WriteTo(element);
        return element.ToArray();
    }

    private static void WriteTag(Stream stream, DicomTag tag, uint? length)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[2..], tag.Element);
        if (length is { } l)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes[4..], l);
            stream.Write(bytes);
        }
        else
        {
            stream.Write(bytes[..4]);
        }
    }
}
