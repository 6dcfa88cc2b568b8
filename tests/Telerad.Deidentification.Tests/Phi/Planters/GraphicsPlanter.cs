using System.Buffers.Binary;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// Overlay planes (PS3.3 C.9.2: groups 6000-601E), retired curves (PS3.3-2004 C.10.2: groups 5000-501E) and the
/// Icon Image Sequence (C.7.6.1.1.6). PS3.15 E.1.1 removes overlay and curve groups whole unless Clean Graphics is
/// implemented, and Icon Image Sequence unless cleaned; text hidden in their bytes must go with them.
/// </summary>
public static class GraphicsPlanter
{
    public static void Plant(PlantFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        Overlay(file, 0x6000, "Zqxwv^Plantedname MRN-77319462-PLANT 19630217", PhiEncoding.Ascii);
        Overlay(file, 0x6002, "ACC88123PLANT Plantedname", PhiEncoding.Utf16LE);
        Curve(file, 0x5000);
        Icon(file);
    }

    private static void Overlay(PlantFile file, ushort group, string hiddenText, PhiEncoding encoding)
    {
        const string c = PlantCategory.Overlay;
        var top = file.Root;
        ushort rows = 16, columns = 32;
        top.PlainUInt16(new DicomTag(group, 0x0010), rows)
            .PlainUInt16(new DicomTag(group, 0x0011), columns)
            .Text(new DicomTag(group, 0x0022), DicomVR.LO, PlantTexts.Medium(file, 0), c, "Overlay Description")
            .PlainText(new DicomTag(group, 0x0040), DicomVR.CS, "G");
        var origin = new short[] { 1, 1 };
        top.Dataset.SetValues(new DicomTag(group, 0x0050), DicomVR.SS, origin);
        top.PlainUInt16(new DicomTag(group, 0x0100), 1)
            .PlainUInt16(new DicomTag(group, 0x0102), 0)
            .Text(new DicomTag(group, 0x1500), DicomVR.LO, "MRN-77319462-PLANT " + file.NameInText, c, "Overlay Label");

        // Overlay Data: 16 x 32 bits = 64 bytes, the text's bytes at the start (as a burned-in label would be, in bits).
        var data = new byte[rows * columns / 8];
        var text = PhiText.Encode(hiddenText, encoding);
        text.AsSpan(0, Math.Min(text.Length, data.Length)).CopyTo(data);
        top.Plain(new DicomTag(group, 0x3000), DicomVR.OW, data);
        file.Record(top.PathOf(new DicomTag(group, 0x3000)), hiddenText, _ => encoding, c, "Overlay Data bits " + encoding);
    }

    private static void Curve(PlantFile file, ushort group)
    {
        const string c = PlantCategory.Curve;
        var top = file.Root;
        top.PlainUInt16(new DicomTag(group, 0x0005), 1)
            .PlainUInt16(new DicomTag(group, 0x0010), 8)
            .PlainText(new DicomTag(group, 0x0020), DicomVR.CS, "TAC")
            .Text(new DicomTag(group, 0x0022), DicomVR.LO, PlantTexts.Medium(file, 1), c, "Curve Description")
            .PlainUInt16(new DicomTag(group, 0x0103), 0)
            .Text(new DicomTag(group, 0x2500), DicomVR.LO, "Plantedname^Zqxwv 1963-02-17", c, "Curve Label")
            .Bytes(new DicomTag(group, 0x3000), DicomVR.OB, "Zqxwv^Plantedname", PhiEncoding.Utf16LE, c, "Curve Data UTF-16LE");
    }

    private static void Icon(PlantFile file)
    {
        var icon = file.Root.Item(DicomTags.IconImageSequence);
        icon.PlainUInt16(DicomTags.SamplesPerPixel, 1)
            .PlainText(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2")
            .PlainUInt16(DicomTags.Rows, 8)
            .PlainUInt16(DicomTags.Columns, 8)
            .PlainUInt16(DicomTags.BitsAllocated, 8)
            .PlainUInt16(DicomTags.BitsStored, 8)
            .PlainUInt16(DicomTags.HighBit, 7)
            .PlainUInt16(DicomTags.PixelRepresentation, 0);
        // 64 pixels: the identifiers' bytes, as if a thumbnail had been made of a label.
        const string hidden = "MRN-77319462-PLANT Zqxwv^Plantedname 19630217";
        var pixels = new byte[64];
        var bytes = PhiText.Encode(hidden, PhiEncoding.Ascii);
        bytes.CopyTo(pixels, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(pixels.AsSpan(62), 0xFFFF);
        icon.Plain(DicomTags.PixelData, DicomVR.OB, pixels);
        file.Record(icon.PathOf(DicomTags.PixelData), hidden, _ => PhiEncoding.Ascii, PlantCategory.IconImage, "icon Pixel Data");
    }
}
