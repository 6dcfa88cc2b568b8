using JpegLibrary;

namespace Telerad.Dicom;

/// <summary>
/// JPEG (ITU T.81) for DICOM's JPEG Baseline (process 1), Extended (2 and 4, 12-bit), the retired spectral
/// selection and progressive syntaxes, and Lossless (process 14, every predictor; SV1). Sequential DCT
/// (SOF0/SOF1) and lossless (SOF3) frames are decoded by this library's own decoders, which reproduce IJG
/// libjpeg's integer inverse DCT and upsampling, so the samples equal dcmtk's dcmdjpeg exactly; progressive and
/// arithmetic-coded frames (SOF2, SOF9, SOF10) go to the managed JpegLibrary, whose floating-point inverse DCT may
/// be one step off for a few samples. (JpegLibrary 0.4.32 also decodes lossless, but wrongly for selection values
/// 2, 3, 6, 7, for 5 at 16 bits and with restart intervals: checked against dcmtk.)
/// Colour follows dcmtk's dcmdjpeg default (conversion "by photometric interpretation"): a 3-component frame
/// whose Photometric Interpretation is YBR_FULL, YBR_FULL_422 or YBR_PARTIAL_422 is converted from YCbCr to RGB
/// (T.871 / JFIF equations in IJG's fixed-point form) and reported as RGB; any other frame keeps its component
/// values whatever APP14 or JFIF markers say. Subsampled chroma is upsampled as IJG does by default ("fancy"
/// triangle filter for 2:1 horizontally and 2:1 both ways, replication otherwise).
/// </summary>
public sealed class JpegCodec : IPixelCodec
{
    public IReadOnlyCollection<string> TransferSyntaxUids { get; } =
    [
        "1.2.840.10008.1.2.4.50", // JPEG Baseline (Process 1)
        "1.2.840.10008.1.2.4.51", // JPEG Extended (Process 2 & 4)
        "1.2.840.10008.1.2.4.52", // retired: Extended (Process 3 & 5)
        "1.2.840.10008.1.2.4.53", // retired: Spectral Selection, Non-Hierarchical (Process 6 & 8)
        "1.2.840.10008.1.2.4.54", // retired: Spectral Selection, Non-Hierarchical (Process 7 & 9)
        "1.2.840.10008.1.2.4.55", // retired: Full Progression, Non-Hierarchical (Process 10 & 12)
        "1.2.840.10008.1.2.4.56", // retired: Full Progression, Non-Hierarchical (Process 11 & 13)
        "1.2.840.10008.1.2.4.57", // JPEG Lossless, Non-Hierarchical (Process 14)
        "1.2.840.10008.1.2.4.70", // JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [SV1])
    ];

    public bool IsAvailable => true;

    public string? UnavailableReason => null;

    public NativeFrame Decode(ReadOnlySpan<byte> encodedFrame, PixelDataInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var stream = JpegStreamInfo.Parse(encodedFrame);
        CheckSupported(stream);
        short[][] planes;
        try
        {
            planes = stream.StartOfFrame switch
            {
                3 => JpegLosslessDecoder.Decode(encodedFrame, stream),
                0 or 1 => JpegSequentialDecoder.Decode(encodedFrame, stream),
                _ => DecodePlanes(encodedFrame, stream), // progressive and arithmetic-coded: JpegLibrary
            };
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or OverflowException)
        {
            // A last line of defence: malformed data that slipped past the checks is still reported, not thrown.
            throw new PixelDecodeException($"The JPEG data is malformed ({ex.GetType().Name})", PixelDecodeFailure.Corrupt);
        }

        var width = stream.Width;
        var height = stream.Height;
        var components = stream.Components.Length;
        if (width != info.Columns || height != info.Rows || components != info.SamplesPerPixel)
        {
            throw new PixelDecodeException(
                $"The JPEG frame is {width}x{height} with {components} component(s); the data set says {info.Columns}x{info.Rows} with {info.SamplesPerPixel}",
                PixelDecodeFailure.Corrupt);
        }

        var photometric = info.PhotometricInterpretation;
        if (components == 3 && photometric is "YBR_FULL" or "YBR_FULL_422" or "YBR_PARTIAL_422")
        {
            if (info.PixelRepresentation == 1)
            {
                throw new PixelDecodeException("YCbCr to RGB conversion of signed JPEG data is not defined", PixelDecodeFailure.Unsupported);
            }

            JpegColor.YCbCrToRgb(planes[0], planes[1], planes[2], stream.Precision);
            photometric = "RGB";
        }

        var bitsAllocated = stream.Precision <= 8 ? 8 : 16;
        var data = JpegPlanes.Interleave(planes, width * height, bitsAllocated);

        return new NativeFrame(data, bitsAllocated, 0, photometric);
    }

    /// <summary>Rejects, with a reason, what JpegLibrary 0.4.32 does not decode or decodes wrongly.</summary>
    private static void CheckSupported(JpegStreamInfo stream)
    {
        var process = stream.StartOfFrame switch
        {
            5 or 6 or 7 or 13 or 14 or 15 => "hierarchical",
            11 => "arithmetic-coded lossless",
            _ => null,
        };
        if (process is not null)
        {
            throw new PixelDecodeException($"JPEG SOF{stream.StartOfFrame} ({process}) is not supported by the JPEG decoder", PixelDecodeFailure.Unsupported);
        }

        if (stream.Precision is < 2 or > 16 || (!stream.IsLossless && stream.Precision is not (8 or 12)))
        {
            throw new PixelDecodeException($"JPEG sample precision {stream.Precision} is not supported for SOF{stream.StartOfFrame}", PixelDecodeFailure.Unsupported);
        }

        var maxH = stream.Components.Max(c => c.Horizontal);
        var maxV = stream.Components.Max(c => c.Vertical);
        if (stream.Components.Any(c => maxH % c.Horizontal != 0 || maxV % c.Vertical != 0))
        {
            throw new PixelDecodeException("JPEG sampling factors that do not divide the largest one are not supported", PixelDecodeFailure.Unsupported);
        }

        if (stream.Components.Length is not (1 or 3 or 4))
        {
            throw new PixelDecodeException($"A JPEG frame with {stream.Components.Length} components is not supported", PixelDecodeFailure.Unsupported);
        }
    }

    private static short[][] DecodePlanes(ReadOnlySpan<byte> encodedFrame, JpegStreamInfo stream)
    {
        var writer = new PlaneWriter(stream.Width, stream.Height, stream.Components.Length);
        try
        {
            var decoder = new JpegDecoder();
            decoder.SetInput(encodedFrame.ToArray());
            decoder.Identify();
            decoder.SetOutputWriter(writer);
            decoder.Decode();
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or PixelDecodeException))
        {
            // JpegLibrary reports problems with a variety of exceptions (InvalidData, InvalidOperation, IndexOutOfRange ...)
            // and cannot tell bad data from a feature it lacks (e.g. restart intervals in progressive scans, which dcmtk decodes).
            throw new PixelDecodeException(
                $"JpegLibrary could not decode this SOF{stream.StartOfFrame} frame ({ex.GetType().Name}): corrupt data, or a feature it lacks such as restart intervals in progressive scans",
                PixelDecodeFailure.Unsupported);
        }

        var planes = writer.Planes;
        foreach (var plane in planes)
        {
            JpegPlanes.Clamp(plane, (1 << stream.Precision) - 1);
        }

        var maxH = stream.Components.Max(c => c.Horizontal);
        var maxV = stream.Components.Max(c => c.Vertical);
        for (var c = 0; c < planes.Length; c++)
        {
            var (_, h, v, _) = stream.Components[c];
            if (h != maxH || v != maxV)
            {
                JpegUpsampling.Refine(planes[c], stream.Width, stream.Height, maxH / h, maxV / v);
            }
        }

        return planes;
    }

    /// <summary>Collects JpegLibrary's 8x8 output blocks into one full-size plane per component.</summary>
    private sealed class PlaneWriter(int width, int height, int components) : JpegBlockOutputWriter
    {
        public short[][] Planes { get; } = [.. Enumerable.Range(0, components).Select(_ => new short[width * height])];

        public override void WriteBlock(ref short blockRef, int componentIndex, int x, int y)
        {
            if ((uint)componentIndex >= (uint)Planes.Length || x >= width || y >= height)
            {
                return;
            }

            var block = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref blockRef, 64);
            var plane = Planes[componentIndex];
            var columns = Math.Min(8, width - x);
            var rows = Math.Min(8, height - y);
            for (var r = 0; r < rows; r++)
            {
                block.Slice(r * 8, columns).CopyTo(plane.AsSpan(((y + r) * width) + x, columns));
            }
        }
    }
}
