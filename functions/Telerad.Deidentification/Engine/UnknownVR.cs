using System.Buffers.Binary;

namespace Telerad.Deidentification;

/// <summary>
/// A public attribute that arrived as UN (a converter lost its VR) is judged as what the dictionary says it
/// is, so that a UN-encoded sequence is cleaned like any other sequence instead of slipping through as bytes.
/// A UN sequence value is an implicit VR little endian item list (PS3.5 6.2.2); a UN primitive keeps its bytes.
/// </summary>
internal static class UnknownVR
{
    public static DicomItem Resolve(DicomElement element)
    {
        var vr = DicomDictionary.Find(element.Tag)?.VR ?? DicomVR.UN;
        if (vr is DicomVR.UN or DicomVR.None)
        {
            return element;
        }

        if (vr != DicomVR.SQ)
        {
            return new DicomElement(element.Tag, vr, element.Value);
        }

        var value = element.Value.GetMemory(64L << 20);
        var wrapped = new byte[8 + value.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(wrapped, element.Tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(wrapped.AsSpan(2), element.Tag.Element);
        BinaryPrimitives.WriteUInt32LittleEndian(wrapped.AsSpan(4), (uint)value.Length);
        value.Span.CopyTo(wrapped.AsSpan(8));
        try
        {
            using var parsed = DicomFile.Read(wrapped, new DicomReaderOptions { BareDatasetTransferSyntax = DicomTransferSyntax.ImplicitVRLittleEndian });
            return parsed.Dataset[element.Tag] as DicomSequence ?? (DicomItem)new DicomSequence(element.Tag);
        }
        catch (DicomFormatException)
        {
            // Not a parseable item list: its content is unknown, so it is treated as an empty sequence.
            return new DicomSequence(element.Tag);
        }
    }
}
