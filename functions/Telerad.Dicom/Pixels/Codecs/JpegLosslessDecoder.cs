using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Buffers.Binary;

namespace Telerad.Dicom;

/// <summary>
/// JPEG lossless, Huffman coded (T.81 Annex H, process 14; SOF3), all seven predictors, point transform,
/// restart intervals, interleaved or one-scan-per-component. Used instead of JpegLibrary for SOF3 because
/// JpegLibrary 0.4.32 predicts the first line wrongly for selection values 2, 3, 6, 7 and overflows its 16-bit
/// prediction for 5-7 (see <see cref="JpegCodec"/>); the result equals dcmtk's for every variant it writes.
/// </summary>
internal static class JpegLosslessDecoder
{
    /// <summary>One plane of reconstructed samples (already shifted left by the point transform) per component.</summary>
    public static short[][] Decode(ReadOnlySpan<byte> data, JpegStreamInfo stream)
    {
        if (stream.Components.Any(c => c.Horizontal != 1 || c.Vertical != 1))
        {
            throw new PixelDecodeException("JPEG Lossless with subsampled components is not supported", PixelDecodeFailure.Unsupported);
        }

        var width = stream.Width;
        var height = stream.Height;
        if (width == 0 || height == 0)
        {
            throw new PixelDecodeException("The JPEG frame header gives no size (DNL is not supported)", PixelDecodeFailure.Unsupported);
        }

        var planes = stream.Components.Select(_ => new short[width * height]).ToArray(); // samples are unsigned: read through ushort views
        var tables = new JpegHuffmanTable?[4];
        var restartInterval = 0;
        var position = 2;
        var scans = 0;
        while (position + 4 <= data.Length)
        {
            if (data[position] != 0xFF)
            {
                position++;
                continue;
            }

            var marker = data[position + 1];
            if (marker is 0xFF || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x00 || marker == 0x01)
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
                case 0xC4:
                    ReadHuffmanTables(segment, tables);
                    break;
                case 0xDD:
                    restartInterval = segment.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(segment) : 0;
                    break;
                case 0xDA:
                    position = DecodeScan(data, position, segment, stream, tables, restartInterval, planes);
                    scans++;
                    break;
                default:
                    break; // SOF (already parsed), APPn, COM, DQT ...
            }
        }

        if (scans == 0)
        {
            throw Corrupt("The JPEG data has no scan");
        }

        return planes;
    }

    private static void ReadHuffmanTables(ReadOnlySpan<byte> segment, JpegHuffmanTable?[] tables)
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

            if (segment.Length < 17 + total || id > 3)
            {
                throw Corrupt("A JPEG Huffman table is truncated or has a bad identifier");
            }

            if (tableClass == 0)
            {
                tables[id] = new JpegHuffmanTable(counts, segment.Slice(17, total)); // lossless uses the DC tables (H.1.1)
            }

            segment = segment[(17 + total)..];
        }
    }

    /// <summary>Decodes one scan; returns the position after its entropy-coded data.</summary>
    private static int DecodeScan(ReadOnlySpan<byte> data, int position, ReadOnlySpan<byte> header, JpegStreamInfo stream, JpegHuffmanTable?[] tables, int restartInterval, short[][] planes)
    {
        var count = header.Length > 0 ? header[0] : 0;
        if (count < 1 || count > planes.Length || header.Length < 1 + (2 * count) + 3)
        {
            throw Corrupt("A JPEG scan header is malformed");
        }

        var components = new int[count];
        var scanTables = new JpegHuffmanTable[count];
        for (var i = 0; i < count; i++)
        {
            var id = header[1 + (2 * i)];
            components[i] = Array.FindIndex(stream.Components, c => c.Id == id);
            var tableId = header[2 + (2 * i)] >> 4;
            var table = tableId < tables.Length ? tables[tableId] : null;
            if (components[i] < 0 || table is null)
            {
                throw Corrupt("A JPEG scan names an unknown component or Huffman table");
            }

            scanTables[i] = table;
        }

        var predictor = header[1 + (2 * count)];
        var pointTransform = header[3 + (2 * count)] & 15;
        if (pointTransform >= stream.Precision)
        {
            throw Corrupt($"The JPEG point transform {pointTransform} is not below the precision {stream.Precision}");
        }

        if (predictor is < 1 or > 7)
        {
            throw new PixelDecodeException($"JPEG Lossless selection value {predictor} is not valid (1-7)", PixelDecodeFailure.Corrupt);
        }

        var precision = stream.Precision;
        var width = stream.Width;
        var height = stream.Height;
        var reader = new JpegBitReader(data, position);
        var initial = 1 << (precision - pointTransform - 1);
        if (count == 1 && restartInterval == 0)
        {
            DecodeSingleComponent(ref reader, scanTables[0], planes[components[0]], width, height, predictor, initial);
        }
        else
        {
            DecodeGeneral(ref reader, scanTables, components, planes, width, height, predictor, initial, restartInterval);
        }

        if (pointTransform > 0)
        {
            foreach (var index in components)
            {
                var plane = MemoryMarshal.Cast<short, ushort>(planes[index].AsSpan());
                for (var i = 0; i < plane.Length; i++)
                {
                    plane[i] = (ushort)(plane[i] << pointTransform);
                }
            }
        }

        // Continue after the scan: find the next marker from where the reader stopped.
        var next = Math.Max(position, reader.Position);
        while (next + 1 < data.Length && !(data[next] == 0xFF && data[next + 1] is not (0x00 or 0xFF) and not (>= 0xD0 and <= 0xD7)))
        {
            next++;
        }

        return next;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadDifference(ref JpegBitReader reader, JpegHuffmanTable table) => table.DecodeDifference(ref reader);

    /// <summary>The common case (one component, no restarts), with one tight loop per predictor.</summary>
    private static void DecodeSingleComponent(ref JpegBitReader reader, JpegHuffmanTable table, short[] samples, int width, int height, int predictor, int initial)
    {
        var plane = MemoryMarshal.Cast<short, ushort>(samples.AsSpan());

        // First line: the first sample from 2^(P-Pt-1), the rest from Ra (H.1.2.1).
        var line = plane.Slice(0, width);
        var previous = initial;
        for (var x = 0; x < line.Length; x++)
        {
            previous = (previous + ReadDifference(ref reader, table)) & 0xFFFF;
            line[x] = (ushort)previous;
        }

        for (var row = 1; row < height; row++)
        {
            var above = plane.Slice((row - 1) * width, width);
            line = plane.Slice(row * width, width);
            int ra = (above[0] + ReadDifference(ref reader, table)) & 0xFFFF; // the first sample of a line from Rb
            line[0] = (ushort)ra;
            switch (predictor)
            {
                case 1:
                    for (var x = 1; x < line.Length; x++)
                    {
                        ra = (ra + ReadDifference(ref reader, table)) & 0xFFFF;
                        line[x] = (ushort)ra;
                    }

                    break;
                case 2:
                    for (var x = 1; x < line.Length && x < above.Length; x++)
                    {
                        line[x] = (ushort)(above[x] + ReadDifference(ref reader, table));
                    }

                    break;
                case 3:
                    for (var x = 1; x < line.Length && x < above.Length; x++)
                    {
                        line[x] = (ushort)(above[x - 1] + ReadDifference(ref reader, table));
                    }

                    break;
                default:
                    for (var x = 1; x < line.Length && x < above.Length; x++)
                    {
                        int rb = above[x], rc = above[x - 1];
                        var prediction = predictor switch
                        {
                            4 => ra + rb - rc,
                            5 => ra + ((rb - rc) >> 1),
                            6 => rb + ((ra - rc) >> 1),
                            _ => (ra + rb) >> 1,
                        };
                        ra = (prediction + ReadDifference(ref reader, table)) & 0xFFFF;
                        line[x] = (ushort)ra;
                    }

                    break;
            }
        }
    }

    private static void DecodeGeneral(ref JpegBitReader reader, JpegHuffmanTable[] scanTables, int[] components, short[][] planes, int width, int height, int predictor, int initial, int restartInterval)
    {
        var count = components.Length;
        var mcusLeft = restartInterval;
        var firstLineRow = 0;   // the row whose samples after firstLineColumn are predicted from Ra only
        var firstLineColumn = 0;

        for (var row = 0; row < height; row++)
        {
            for (var column = 0; column < width; column++)
            {
                if (restartInterval > 0)
                {
                    if (mcusLeft == 0)
                    {
                        reader.Restart();
                        mcusLeft = restartInterval;
                        firstLineRow = row;
                        firstLineColumn = column;
                    }

                    mcusLeft--;
                }

                var at = (row * width) + column;
                for (var c = 0; c < count; c++)
                {
                    var plane = MemoryMarshal.Cast<short, ushort>(planes[components[c]].AsSpan());
                    var difference = ReadDifference(ref reader, scanTables[c]);

                    int prediction;
                    if (row == firstLineRow && column == firstLineColumn)
                    {
                        prediction = initial;
                    }
                    else if (row == firstLineRow)
                    {
                        prediction = plane[at - 1];
                    }
                    else if (column == 0)
                    {
                        prediction = plane[at - width];
                    }
                    else
                    {
                        int ra = plane[at - 1], rb = plane[at - width], rc = plane[at - width - 1];
                        prediction = predictor switch
                        {
                            1 => ra,
                            2 => rb,
                            3 => rc,
                            4 => ra + rb - rc,
                            5 => ra + ((rb - rc) >> 1),
                            6 => rb + ((ra - rc) >> 1),
                            _ => (ra + rb) >> 1,
                        };
                    }

                    plane[at] = (ushort)((prediction + difference) & 0xFFFF); // T.81 H.2.1: modulo 2^16
                }
            }
        }
    }

    private static PixelDecodeException Corrupt(string message) => new(message, PixelDecodeFailure.Corrupt);
}
