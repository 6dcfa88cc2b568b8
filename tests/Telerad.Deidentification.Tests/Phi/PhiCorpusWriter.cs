using System.Buffers.Binary;
using System.Globalization;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// Writes a planted data set as a Part 10 file (PS3.10 7.1) with PHI where a Part 10 file can carry it outside
/// the data set: the 128-byte preamble (free for applications, e.g. TIFF headers) and File Meta Information
/// elements that DicomWriter.WriteFile would not write (Source AE Title, Private Information Creator UID, Private
/// Information, an identifying Implementation Version Name). The data set itself goes through
/// DicomWriter.WriteDataset; elements the data set model cannot express (UN of undefined length) are spliced in.
/// </summary>
public static class PhiCorpusWriter
{
    private const string PlaceholderPrefix = "PHIPLACEHOLDER";

    public static byte[] PlaceholderValue(int index) =>
        PhiText.Encode(PlaceholderPrefix + index.ToString("D2", CultureInfo.InvariantCulture), PhiEncoding.Ascii);

    public static byte[] Write(PlantFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var syntax = file.ExplicitVR ? DicomTransferSyntax.ExplicitVRLittleEndian : DicomTransferSyntax.ImplicitVRLittleEndian;
        using var output = new MemoryStream();

        const string preamble = "Zqxwv^Plantedname MRN-77319462-PLANT 19630217 ACC88123PLANT";
        var head = new byte[128];
        PhiText.Encode(preamble, PhiEncoding.Ascii).CopyTo(head, 0);
        output.Write(head);
        file.Record("preamble", preamble, _ => PhiEncoding.Ascii, PlantCategory.Preamble, "128-byte preamble");
        output.Write("DICM"u8);
        output.Write(FileMeta(file, syntax));

        using var body = new MemoryStream();
        DicomWriter.WriteDataset(body, file.Dataset, syntax);
        output.Write(Splice(body.ToArray(), file));
        return output.ToArray();
    }

    private static byte[] FileMeta(PlantFile file, DicomTransferSyntax syntax)
    {
        var meta = new DicomDataset();
        var site = new PlantSite(file, meta, "meta");
        const string c = PlantCategory.FileMeta;
        site.Plain(DicomTags.FileMetaInformationVersion, DicomVR.OB, [0, 1])
            .PlainText(DicomTags.MediaStorageSOPClassUID, DicomVR.UI, file.Dataset.GetUid(DicomTags.SOPClassUID) ?? string.Empty)
            .Text(DicomTags.MediaStorageSOPInstanceUID, DicomVR.UI, file.Dataset.GetUid(DicomTags.SOPInstanceUID) ?? string.Empty, c)
            .PlainText(DicomTags.TransferSyntaxUID, DicomVR.UI, syntax.Uid)
            .Text(DicomTags.ImplementationClassUID, DicomVR.UI, file.NewUid(), c)
            .Text(DicomTags.ImplementationVersionName, DicomVR.SH, "Plantedname 1.0", c)
            .Text(DicomTags.SourceApplicationEntityTitle, DicomVR.AE, PlantedIdentifiers.Station.Value, c)
            .Text(DicomTags.PrivateInformationCreatorUID, DicomVR.UI, file.NewUid(), c)
            .Bytes(DicomTags.PrivateInformation, DicomVR.OB, "Zqxwv^Plantedname MRN-77319462-PLANT", PhiEncoding.Utf16BE, c);

        using var withoutLength = new MemoryStream();
        DicomWriter.WriteDataset(withoutLength, meta, DicomTransferSyntax.ExplicitVRLittleEndian);
        meta.SetValues(new DicomTag(0x00020000), DicomVR.UL, new[] { (uint)withoutLength.Length });
        using var bytes = new MemoryStream();
        DicomWriter.WriteDataset(bytes, meta, DicomTransferSyntax.ExplicitVRLittleEndian);
        return bytes.ToArray();
    }

    /// <summary>Replaces each placeholder element (explicit VR UN, 16-byte marker) with its raw bytes.</summary>
    private static byte[] Splice(byte[] body, PlantFile file)
    {
        if (file.RawElements.Count > 0 && !file.ExplicitVR)
        {
            throw new InvalidOperationException("Raw UN elements need Explicit VR.");
        }

        for (var i = 0; i < file.RawElements.Count; i++)
        {
            var (tag, raw) = file.RawElements[i];
            var header = new byte[12];
            BinaryPrimitives.WriteUInt16LittleEndian(header, tag.Group);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), tag.Element);
            "UN\0\0"u8.CopyTo(header.AsSpan(4));
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), 16);
            byte[] placeholder = [.. header, .. PlaceholderValue(i)];
            var at = body.AsSpan().IndexOf(placeholder);
            if (at < 0 || body.AsSpan(at + 1).IndexOf(placeholder) >= 0)
            {
                throw new InvalidOperationException($"Placeholder for {tag} not found exactly once.");
            }

            body = [.. body.AsSpan(0, at), .. raw, .. body.AsSpan(at + placeholder.Length)];
        }

        return body;
    }
}
