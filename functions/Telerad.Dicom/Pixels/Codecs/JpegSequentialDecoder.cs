using System.Buffers.Binary;

namespace Telerad.Dicom;

/// <summary>
/// Sequential DCT JPEG with Huffman coding (T.81 Annex F; SOF0 baseline, SOF1 extended, 8- and 12-bit),
/// interleaved or one scan per component, with restart intervals. Inverse DCT, upsampling and rounding follow
/// IJG libjpeg's defaults (<see cref="JpegIdct"/>, <see cref="JpegUpsampling"/>), so the samples equal dcmtk's
/// dcmdjpeg output exactly; JpegLibrary's floating-point inverse DCT is one step off for about 1% of samples.
/// </summary>
internal static class JpegSequentialDecoder
{
    /// <summary>T.81 Figure A.6: zig-zag position to natural (row-major) position.</summary>
    private static readonly byte[] ZigZag =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
        28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
        54, 47, 55, 62, 63,
    ];

    private sealed class Component
    {
        public required int Horizontal { get; init; }

        public required int Vertical { get; init; }

        public required int QuantizationTable { get; init; }

        /// <summary>Samples per line and lines of the component itself (T.81 A.1.1).</summary>
        public required int Width { get; init; }

        public required int Height { get; init; }

        /// <summary>The decoded samples, padded to whole MCUs.</summary>
        public required short[] Plane { get; init; }

        public required int Stride { get; init; }

        public int DcPrediction { get; set; }
    }

    /// <summary>One full-size plane per component, samples in [0, 2^precision - 1].</summary>
    public static short[][] Decode(ReadOnlySpan<byte> data, JpegStreamInfo stream)
    {
        var maxH = stream.Components.Max(c => c.Horizontal);
        var maxV = stream.Components.Max(c => c.Vertical);
        var mcusWide = (stream.Width + (8 * maxH) - 1) / (8 * maxH);
        var mcusHigh = (stream.Height + (8 * maxV) - 1) / (8 * maxV);
        var components = stream.Components.Select(c => new Component
        {
            Horizontal = c.Horizontal,
            Vertical = c.Vertical,
            QuantizationTable = c.QuantizationTable,
            Width = (stream.Width * c.Horizontal + maxH - 1) / maxH,
            Height = (stream.Height * c.Vertical + maxV - 1) / maxV,
            Stride = mcusWide * c.Horizontal * 8,
            Plane = new short[mcusWide * c.Horizontal * 8 * mcusHigh * c.Vertical * 8],
        }).ToArray();

        var quantization = new int[4][];
        var dcTables = new JpegHuffmanTable?[4];
        var acTables = new JpegHuffmanTable?[4];
        var restartInterval = 0;
        var scans = 0;
        var position = 2;
        while (position + 4 <= data.Length)
        {
            if (data[position] != 0xFF)
            {
                position++;
                continue;
            }

            var marker = data[position + 1];
            if (marker is 0xFF or 0x00 or 0x01 || (marker >= 0xD0 && marker <= 0xD7))
            {
                position += marker == 0xFF ? 1 : 2;
                continue;
            }

            if (marker == 0xD9)
            {
                break;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            if (length < 2 || position + 2 + length > data.Length)
            {
                throw Corrupt("A JPEG marker segment runs past the end of the data");
            }

            var segment = data.Slice(position + 4, length - 2);
            position += 2 + length;
            switch (marker)
            {
                case 0xDB:
                    ReadQuantizationTables(segment, quantization);
                    break;
                case 0xC4:
                    ReadHuffmanTables(segment, dcTables, acTables);
                    break;
                case 0xDD:
                    restartInterval = segment.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(segment) : 0;
                    break;
                case 0xDA:
                    position = DecodeScan(data, position, segment, stream, components, quantization, dcTables, acTables, restartInterval, mcusWide, mcusHigh);
                    scans++;
                    break;
                default:
                    break;
            }
        }

        if (scans == 0)
        {
            throw Corrupt("The JPEG data has no scan");
        }

        return [.. components.Select(c => JpegUpsampling.Upsample(c.Plane, c.Stride, c.Width, c.Height, stream.Width, stream.Height, maxH / c.Horizontal, maxV / c.Vertical))];
    }

    private static void ReadQuantizationTables(ReadOnlySpan<byte> segment, int[][] tables)
    {
        while (segment.Length > 0)
        {
            var precision = segment[0] >> 4;
            var id = segment[0] & 15;
            var size = precision == 0 ? 64 : 128;
            if (id > 3 || segment.Length < 1 + size)
            {
                throw Corrupt("A JPEG quantisation table is truncated or has a bad identifier");
            }

            var table = new int[64];
            for (var k = 0; k < 64; k++)
            {
                table[ZigZag[k]] = precision == 0 ? segment[1 + k] : BinaryPrimitives.ReadUInt16BigEndian(segment[(1 + (2 * k))..]);
            }

            tables[id] = table;
            segment = segment[(1 + size)..];
        }
    }

    private static void ReadHuffmanTables(ReadOnlySpan<byte> segment, JpegHuffmanTable?[] dc, JpegHuffmanTable?[] ac)
    {
        while (segment.Length >= 17)
        {
            var tableClass = segment[0] >> 4;
            var id = segment[0] & 15;
            var counts = segment.Slice(1, 16);
            var total = 0;
            foreach (var c in counts)
            {
                total += c;
            }

            if (segment.Length < 17 + total || id > 3 || tableClass > 1)
            {
                throw Corrupt("A JPEG Huffman table is truncated or has a bad identifier");
            }

            (tableClass == 0 ? dc : ac)[id] = new JpegHuffmanTable(counts, segment.Slice(17, total));
            segment = segment[(17 + total)..];
        }
    }

    private static int DecodeScan(
        ReadOnlySpan<byte> data,
        int position,
        ReadOnlySpan<byte> header,
        JpegStreamInfo stream,
        Component[] all,
        int[][] quantization,
        JpegHuffmanTable?[] dcTables,
        JpegHuffmanTable?[] acTables,
        int restartInterval,
        int mcusWide,
        int mcusHigh)
    {
        var count = header.Length > 0 ? header[0] : 0;
        if (count < 1 || count > all.Length || header.Length < 1 + (2 * count) + 3)
        {
            throw Corrupt("A JPEG scan header is malformed");
        }

        var scan = new Component[count];
        var dc = new JpegHuffmanTable[count];
        var ac = new JpegHuffmanTable[count];
        var quant = new int[count][];
        for (var i = 0; i < count; i++)
        {
            var id = header[1 + (2 * i)];
            var index = Array.FindIndex(stream.Components, c => c.Id == id);
            var tables = header[2 + (2 * i)];
            if (index < 0 || (tables >> 4) > 3 || (tables & 15) > 3)
            {
                throw Corrupt("A JPEG scan names an unknown component or table");
            }

            scan[i] = all[index];
            scan[i].DcPrediction = 0;
            dc[i] = dcTables[tables >> 4] ?? throw Corrupt("A JPEG scan uses an undefined DC Huffman table");
            ac[i] = acTables[tables & 15] ?? throw Corrupt("A JPEG scan uses an undefined AC Huffman table");
            quant[i] = quantization[scan[i].QuantizationTable] ?? throw Corrupt("A JPEG component uses an undefined quantisation table");
        }

        // Ss, Se, Ah/Al must be 0, 63, 0 in a sequential frame; like IJG, ignore them (some baseline writers put zeros).
        var reader = new JpegBitReader(data, position);
        var coefficients = new int[64];
        var precision = stream.Precision;
        var mcusLeft = restartInterval;

        // One component: its blocks in raster order, not padded to MCUs (T.81 A.2.2). Several: interleaved MCUs (A.2.3).
        var single = count == 1;
        var wide = single ? (scan[0].Width + 7) / 8 : mcusWide;
        var high = single ? (scan[0].Height + 7) / 8 : mcusHigh;
        for (var my = 0; my < high; my++)
        {
            for (var mx = 0; mx < wide; mx++)
            {
                if (restartInterval > 0)
                {
                    if (mcusLeft == 0)
                    {
                        reader.Restart();
                        foreach (var component in scan)
                        {
                            component.DcPrediction = 0;
                        }

                        mcusLeft = restartInterval;
                    }

                    mcusLeft--;
                }

                for (var i = 0; i < count; i++)
                {
                    var component = scan[i];
                    var blocksV = single ? 1 : component.Vertical;
                    var blocksH = single ? 1 : component.Horizontal;
                    for (var by = 0; by < blocksV; by++)
                    {
                        for (var bx = 0; bx < blocksH; bx++)
                        {
                            DecodeBlock(ref reader, component, dc[i], ac[i], quant[i], coefficients);
                            var x = ((mx * blocksH) + bx) * 8;
                            var y = ((my * blocksV) + by) * 8;
                            JpegIdct.Transform(coefficients, component.Plane.AsSpan((y * component.Stride) + x), component.Stride, precision);
                        }
                    }
                }
            }
        }

        var next = Math.Max(position, reader.Position);
        while (next + 1 < data.Length && !(data[next] == 0xFF && data[next + 1] is not (0x00 or 0xFF) and not (>= 0xD0 and <= 0xD7)))
        {
            next++;
        }

        return next;
    }

    /// <summary>T.81 F.2.2: the DC difference, then run/size AC codes until end of block; dequantised, natural order.</summary>
    private static void DecodeBlock(ref JpegBitReader reader, Component component, JpegHuffmanTable dc, JpegHuffmanTable ac, int[] quant, Span<int> coefficients)
    {
        coefficients.Clear();
        var size = dc.Decode(ref reader);
        if (size > 16)
        {
            throw Corrupt("A JPEG DC difference category is above 16");
        }

        var difference = size == 0 ? 0 : Extend(reader.Receive(size), size);
        component.DcPrediction += difference;
        coefficients[0] = component.DcPrediction * quant[0];
        for (var k = 1; k < 64;)
        {
            var symbol = ac.Decode(ref reader);
            var run = symbol >> 4;
            size = symbol & 15;
            if (size == 0)
            {
                if (run != 15)
                {
                    break; // end of block
                }

                k += 16;
                continue;
            }

            k += run;
            if (k > 63)
            {
                throw Corrupt("A JPEG block has more than 64 coefficients");
            }

            var natural = ZigZag[k];
            coefficients[natural] = Extend(reader.Receive(size), size) * quant[natural];
            k++;
        }
    }

    private static int Extend(int bits, int size) => bits < 1 << (size - 1) ? bits - (1 << size) + 1 : bits;

    private static PixelDecodeException Corrupt(string message) => new(message, PixelDecodeFailure.Corrupt);
}
