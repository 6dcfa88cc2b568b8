using System.Runtime.InteropServices;

namespace Telerad.Dicom;

/// <summary>
/// The Palette Color Lookup Tables of a PALETTE COLOR image (PS3.3 C.7.6.3.1.5-6): red, green and blue LUTs
/// that map each stored index to a colour. Data may be given whole (0028,1201-1203) or segmented
/// (0028,1221-1223, PS3.3 C.7.9.2). Decoded PALETTE COLOR frames keep their indices; this converts them.
/// </summary>
public sealed class PaletteColorLut
{
    public PaletteColorLut(LookupTable red, LookupTable green, LookupTable blue)
    {
        ArgumentNullException.ThrowIfNull(red);
        ArgumentNullException.ThrowIfNull(green);
        ArgumentNullException.ThrowIfNull(blue);
        Red = red;
        Green = green;
        Blue = blue;
    }

    public LookupTable Red { get; }

    public LookupTable Green { get; }

    public LookupTable Blue { get; }

    /// <summary>Entry size: 8 or 16 bits (the descriptors' third value).</summary>
    public int BitsPerEntry => Red.BitsPerEntry;

    public static PaletteColorLut FromDataset(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new PaletteColorLut(
            Channel(dataset, DicomTags.RedPaletteColorLookupTableDescriptor, DicomTags.RedPaletteColorLookupTableData, DicomTags.SegmentedRedPaletteColorLookupTableData),
            Channel(dataset, DicomTags.GreenPaletteColorLookupTableDescriptor, DicomTags.GreenPaletteColorLookupTableData, DicomTags.SegmentedGreenPaletteColorLookupTableData),
            Channel(dataset, DicomTags.BluePaletteColorLookupTableDescriptor, DicomTags.BluePaletteColorLookupTableData, DicomTags.SegmentedBluePaletteColorLookupTableData));
    }

    /// <summary>
    /// The frame as an RGB frame: 8-bit samples for 8-bit entries, 16-bit for 16-bit entries (as the palette
    /// gives them). Indices below the first mapped value take the first entry, above the last the last entry.
    /// </summary>
    public PixelFrame ToRgb(PixelFrame indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.SamplesPerPixel != 1)
        {
            throw new ArgumentException("Palette indices have one sample per pixel.", nameof(indices));
        }

        var wide = BitsPerEntry > 8;
        var red = Expand(Red);
        var green = Expand(Green);
        var blue = Expand(Blue);
        var pixels = indices.PixelCount;
        var data = new byte[pixels * 3 * (wide ? 2 : 1)];
        var rgb16 = MemoryMarshal.Cast<byte, ushort>(data.AsSpan());
        for (var p = 0; p < pixels; p++)
        {
            var index = (int)indices.GetSample(p) - Red.FirstMapped;
            if (wide)
            {
                rgb16[3 * p] = red[Math.Clamp(index, 0, red.Length - 1)];
                rgb16[(3 * p) + 1] = green[Math.Clamp(index, 0, green.Length - 1)];
                rgb16[(3 * p) + 2] = blue[Math.Clamp(index, 0, blue.Length - 1)];
            }
            else
            {
                data[3 * p] = (byte)red[Math.Clamp(index, 0, red.Length - 1)];
                data[(3 * p) + 1] = (byte)green[Math.Clamp(index, 0, green.Length - 1)];
                data[(3 * p) + 2] = (byte)blue[Math.Clamp(index, 0, blue.Length - 1)];
            }
        }

        return new PixelFrame(indices.Rows, indices.Columns, 3, wide ? PixelSampleType.UInt16 : PixelSampleType.UInt8, BitsPerEntry, "RGB", data);
    }

    /// <summary>The frame as 8-bit RGB for display: 16-bit entries keep their high byte.</summary>
    public byte[] ToRgb8(PixelFrame indices)
    {
        var rgb = ToRgb(indices);
        if (rgb.SampleType == PixelSampleType.UInt8)
        {
            return rgb.Data;
        }

        var words = rgb.GetSamples<ushort>();
        var bytes = new byte[words.Length];
        for (var i = 0; i < words.Length; i++)
        {
            bytes[i] = (byte)(words[i] >> 8);
        }

        return bytes;
    }

    private static ushort[] Expand(LookupTable table) => [.. table.Entries];

    private static LookupTable Channel(DicomDataset dataset, DicomTag descriptorTag, DicomTag dataTag, DicomTag segmentedTag)
    {
        if (dataset.Contains(dataTag))
        {
            return LookupTable.FromItem(dataset, descriptorTag, dataTag, signedPixels: false);
        }

        if (!dataset.TryGetElement(segmentedTag, out var segmented))
        {
            throw new PixelDecodeException($"PALETTE COLOR needs {dataTag} or {segmentedTag}");
        }

        var descriptor = dataset.GetValues<ushort>(descriptorTag);
        if (descriptor.Length < 3)
        {
            throw new PixelDecodeException($"{descriptorTag} needs 3 values (entries, first mapped value, bits)");
        }

        var count = descriptor[0] == 0 ? 65536 : descriptor[0];
        var words = MemoryMarshal.Cast<byte, ushort>(segmented.Value.GetMemory(1 << 20).Span);
        var entries = SegmentedLut.Expand(words, count);
        return new LookupTable(descriptor[1], descriptor[2], entries);
    }
}

/// <summary>
/// Segmented palette data (PS3.3 C.7.9.2): a list of segments, each an opcode then its data. Discrete (0):
/// n values follow. Linear (1): n values rising in equal steps from the previous segment's last value to the
/// given end value, rounded half to even as pydicom does (the standard does not say). Indirect (2): repeat n
/// segments found at a byte offset (two words, low word first) from the start of the data.
/// </summary>
internal static class SegmentedLut
{
    public static ushort[] Expand(ReadOnlySpan<ushort> data, int count)
    {
        var output = new List<ushort>(count);
        Run(data, 0, int.MaxValue, output, count, depth: 0);
        if (output.Count < count)
        {
            throw new PixelDecodeException($"Segmented palette data gives {output.Count} entries; its descriptor says {count}");
        }

        return [.. output.Take(count)];
    }

    private static void Run(ReadOnlySpan<ushort> data, int position, int segments, List<ushort> output, int count, int depth)
    {
        if (depth > 4)
        {
            throw new PixelDecodeException("Segmented palette data has indirect segments nested too deep");
        }

        for (var done = 0; done < segments && position < data.Length && output.Count < count; done++)
        {
            if (position + 1 >= data.Length)
            {
                throw new PixelDecodeException("Segmented palette data ends inside a segment header");
            }

            var opcode = data[position];
            var length = data[position + 1];
            switch (opcode)
            {
                case 0:
                    if (position + 2 + length > data.Length)
                    {
                        throw new PixelDecodeException("A discrete palette segment runs past the data");
                    }

                    foreach (var value in data.Slice(position + 2, length))
                    {
                        output.Add(value);
                    }

                    position += 2 + length;
                    break;
                case 1:
                    if (output.Count == 0 || position + 2 >= data.Length)
                    {
                        throw new PixelDecodeException("A linear palette segment has no start value or no end value");
                    }

                    double start = output[^1], end = data[position + 2];
                    for (var k = 1; k <= length; k++)
                    {
                        output.Add((ushort)Math.Round(start + ((end - start) * k / length), MidpointRounding.ToEven));
                    }

                    position += 3;
                    break;
                case 2:
                    if (position + 3 >= data.Length)
                    {
                        throw new PixelDecodeException("An indirect palette segment is truncated");
                    }

                    var byteOffset = data[position + 2] | (data[position + 3] << 16);
                    Run(data, byteOffset / 2, length, output, count, depth + 1);
                    position += 4;
                    break;
                default:
                    throw new PixelDecodeException($"Unknown palette segment type {opcode}");
            }
        }
    }
}
