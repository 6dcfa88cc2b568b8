using System.Buffers.Binary;

namespace Telerad.Dicom;

/// <summary>
/// What the JPEG headers (ITU T.81 Annex B) say before decoding: the frame type (SOFn), precision, size,
/// components and their sampling, the first scan's predictor and point transform (lossless), and APP14.
/// </summary>
internal sealed record JpegStreamInfo(
    int StartOfFrame,
    int Precision,
    int Height,
    int Width,
    (int Id, int Horizontal, int Vertical, int QuantizationTable)[] Components,
    int Predictor,
    int PointTransform,
    int RestartInterval,
    int? AdobeTransform)
{
    /// <summary>SOF3 (Huffman) and SOF11 (arithmetic) are the lossless processes (T.81 Annex H).</summary>
    public bool IsLossless => StartOfFrame is 3 or 11;

    public static JpegStreamInfo Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            throw new PixelDecodeException("The JPEG frame does not start with an SOI marker", PixelDecodeFailure.Corrupt);
        }

        int? sof = null, precision = null, height = null, width = null, adobe = null;
        var restartInterval = 0;
        (int, int, int, int)[]? components = null;
        var position = 2;
        while (position + 4 <= data.Length)
        {
            if (data[position] != 0xFF)
            {
                position++; // tolerate stray bytes between segments, as IJG does
                continue;
            }

            var marker = data[position + 1];
            if (marker is 0xFF or 0x00 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01)
            {
                position += marker == 0xFF ? 1 : 2;
                continue;
            }

            if (marker == 0xD9)
            {
                break;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            var segment = data.Slice(position + 4, Math.Max(0, Math.Min(length - 2, data.Length - position - 4)));
            if (marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC) && sof is null)
            {
                if (segment.Length < 6)
                {
                    throw new PixelDecodeException("The JPEG frame header is truncated", PixelDecodeFailure.Corrupt);
                }

                sof = marker - 0xC0;
                precision = segment[0];
                height = BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(segment[3..]);
                var count = segment[5];
                if (segment.Length < 6 + (3 * count))
                {
                    throw new PixelDecodeException("The JPEG frame header is truncated", PixelDecodeFailure.Corrupt);
                }

                components = new (int, int, int, int)[count];
                for (var c = 0; c < count; c++)
                {
                    var spec = segment.Slice(6 + (3 * c), 3);
                    components[c] = (spec[0], spec[1] >> 4, spec[1] & 15, spec[2]);
                    if (components[c].Item2 is < 1 or > 4 || components[c].Item3 is < 1 or > 4 || components[c].Item4 > 3)
                    {
                        throw new PixelDecodeException("A JPEG component has a sampling factor outside 1-4 or a quantisation table above 3", PixelDecodeFailure.Corrupt);
                    }
                }

                if (width == 0 || height == 0 || count == 0)
                {
                    throw new PixelDecodeException("The JPEG frame header gives no size or no components (DNL is not supported)", PixelDecodeFailure.Corrupt);
                }
            }
            else if (marker == 0xEE && segment.Length >= 12 && segment[..5].SequenceEqual("Adobe"u8))
            {
                adobe = segment[11];
            }
            else if (marker == 0xDD && segment.Length >= 2)
            {
                restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
            }
            else if (marker == 0xDA)
            {
                if (sof is null || components is null)
                {
                    throw new PixelDecodeException("The JPEG scan starts before a frame header", PixelDecodeFailure.Corrupt);
                }

                var scanComponents = segment.Length > 0 ? segment[0] : 0;
                var tail = 1 + (2 * scanComponents);
                if (segment.Length < tail + 3)
                {
                    throw new PixelDecodeException("The JPEG scan header is truncated", PixelDecodeFailure.Corrupt);
                }

                return new JpegStreamInfo(sof.Value, precision!.Value, height!.Value, width!.Value, components, segment[tail], segment[tail + 2] & 15, restartInterval, adobe);
            }

            position += 2 + length;
        }

        throw new PixelDecodeException("The JPEG stream has no frame and scan header", PixelDecodeFailure.Corrupt);
    }
}
