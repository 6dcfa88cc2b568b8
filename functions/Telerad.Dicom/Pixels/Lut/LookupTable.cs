using System.Runtime.InteropServices;

namespace Telerad.Dicom;

/// <summary>
/// A LUT as PS3.3 C.11.1.1 describes it: a descriptor (number of entries, 0 meaning 65536; first stored value
/// mapped; bits per entry) and its data. Inputs below the first mapped value give the first entry, inputs
/// past the last mapped value give the last entry.
/// </summary>
public sealed class LookupTable
{
    public LookupTable(int firstMapped, int bitsPerEntry, ushort[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Length == 0)
        {
            throw new ArgumentException("A LUT needs at least one entry.", nameof(entries));
        }

        FirstMapped = firstMapped;
        BitsPerEntry = bitsPerEntry;
        Entries = entries;
    }

    public int FirstMapped { get; }

    public int BitsPerEntry { get; }

    public IReadOnlyList<ushort> Entries { get; }

    /// <summary>Largest value an entry can have: 2^bits - 1.</summary>
    public int MaxEntry => (1 << BitsPerEntry) - 1;

    public ushort Lookup(double input)
    {
        var index = input - FirstMapped;
        if (index <= 0)
        {
            return Entries[0];
        }

        return index >= Entries.Count - 1 ? Entries[^1] : Entries[(int)index];
    }

    /// <summary>
    /// Reads a LUT from an item with a LUT Descriptor and LUT Data (Modality LUT, VOI LUT, PS3.3 C.11.1 / C.11.2).
    /// The first mapped value is signed when the descriptor is SS or the pixel data is signed (C.11.1.1).
    /// </summary>
    public static LookupTable FromItem(DicomDataset item, DicomTag descriptorTag, DicomTag dataTag, bool signedPixels)
    {
        ArgumentNullException.ThrowIfNull(item);
        var descriptor = item.GetValues<ushort>(descriptorTag);
        if (descriptor.Length < 3 && item.GetString(descriptorTag) is { } text)
        {
            descriptor = [.. text.Split('\\').Select(s => DicomNumber.TryParseInteger(s, out var v) ? (ushort)v : (ushort)0)];
        }

        if (descriptor.Length < 3)
        {
            throw new PixelDecodeException($"{descriptorTag} needs 3 values (entries, first mapped value, bits)");
        }

        var count = descriptor[0] == 0 ? 65536 : descriptor[0];
        int first = signedPixels || (item.TryGetElement(descriptorTag, out var d) && d.VR == DicomVR.SS) ? (short)descriptor[1] : descriptor[1];
        var bits = descriptor[2];
        if (bits is < 1 or > 16)
        {
            throw new PixelDecodeException($"{descriptorTag} gives {bits} bits per entry; 1 to 16 expected");
        }

        if (!item.TryGetElement(dataTag, out var data))
        {
            throw new PixelDecodeException($"{dataTag} is missing");
        }

        var bytes = data.Value.GetMemory(1 << 20).Span;
        ushort[] entries;
        if (bits <= 8 && bytes.Length < count * 2 && bytes.Length >= count)
        {
            entries = [.. bytes[..count].ToArray().Select(b => (ushort)b)]; // 8-bit entries packed two per word
        }
        else
        {
            var words = MemoryMarshal.Cast<byte, ushort>(bytes);
            if (words.Length < count)
            {
                throw new PixelDecodeException($"{dataTag} has {words.Length} entries; its descriptor says {count}");
            }

            entries = words[..count].ToArray();
        }

        return new LookupTable(first, bits, entries);
    }
}
