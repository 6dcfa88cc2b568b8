namespace Telerad.Dicom;

/// <summary>
/// What the native codecs check in <see cref="PixelDataInfo"/> before touching a codestream: a frame shape they can
/// write, and a native frame size that fits one array. The codestream header is then held to the same shape, which
/// caps what the native library allocates by what the data set declares.
/// </summary>
internal static class CodecInputChecks
{
    public static void RequireDecodableGeometry(PixelDataInfo info, string codecName)
    {
        if (info.Rows < 1 || info.Columns < 1 || info.SamplesPerPixel < 1)
        {
            throw new PixelDecodeException($"{codecName}: the data set declares {info.Columns}x{info.Rows} pixels of {info.SamplesPerPixel} samples");
        }

        if (info.BitsAllocated is not (8 or 16))
        {
            throw new PixelDecodeException($"{codecName}: Bits Allocated {info.BitsAllocated} is not supported (8 or 16)");
        }

        if (info.NativeFrameLength > Array.MaxLength)
        {
            throw new PixelDecodeException($"{codecName}: a frame of {info.NativeFrameLength} bytes is too large to decode");
        }

        // Samples are written in machine order; DICOM native data (and every .NET platform in use) is little-endian.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PixelDecodeException($"{codecName}: big-endian machines are not supported");
        }
    }
}
