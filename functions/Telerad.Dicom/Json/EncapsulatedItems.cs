using System.Buffers.Binary;

namespace Telerad.Dicom;

/// <summary>
/// Recognises encapsulated pixel data (PS3.5 A.4) in an InlineBinary value: a run of items (FFFE,E000)
/// of defined length that fills the value exactly, optionally closed by a Sequence Delimitation Item.
/// The JSON model carries no transfer syntax, so the structure itself is the evidence; native pixel
/// data that happens to begin with an item tag and chain into such a run exactly is not a practical case.
/// </summary>
internal static class EncapsulatedItems
{
    public static bool TryParse(byte[] bytes, out DicomValue offsetTable, out List<DicomValue> fragments)
    {
        offsetTable = DicomValue.Empty;
        fragments = [];
        var items = new List<DicomValue>();
        var position = 0;
        while (position < bytes.Length)
        {
            if (bytes.Length - position < 8)
            {
                return false;
            }

            var header = bytes.AsSpan(position, 8);
            var tag = new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(header), BinaryPrimitives.ReadUInt16LittleEndian(header[2..]));
            var length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (tag == DicomTag.SequenceDelimitation)
            {
                if (length != 0 || position + 8 != bytes.Length)
                {
                    return false;
                }

                break;
            }

            if (tag != DicomTag.Item || length > (uint)(bytes.Length - position - 8))
            {
                return false;
            }

            items.Add(DicomValue.FromBytes(bytes.AsMemory(position + 8, (int)length)));
            position += 8 + (int)length;
        }

        if (items.Count == 0)
        {
            return false;
        }

        offsetTable = items[0];
        fragments = items.GetRange(1, items.Count - 1);
        return true;
    }
}
