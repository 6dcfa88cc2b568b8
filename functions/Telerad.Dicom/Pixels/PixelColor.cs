namespace Telerad.Dicom;

/// <summary>Colour frames to RGB, for viewers and model input.</summary>
public static class PixelColor
{
    /// <summary>
    /// An RGB frame from a decoded colour frame: RGB is returned as is; YBR_FULL (also what decoded YBR_FULL_422
    /// becomes) is converted with the JFIF equations (PS3.3 C.7.6.3.1.2, ITU T.871) in IJG's fixed point, as
    /// dcmtk's JPEG decoder does; PALETTE COLOR needs the data set's palette (<paramref name="dataset"/>).
    /// </summary>
    public static PixelFrame ToRgb(PixelFrame frame, DicomDataset? dataset = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        switch (frame.PhotometricInterpretation)
        {
            case "RGB":
                return frame;
            case "PALETTE COLOR":
                return PaletteColorLut.FromDataset(dataset ?? throw new ArgumentNullException(nameof(dataset), "PALETTE COLOR needs the data set's palette.")).ToRgb(frame);
            case "YBR_FULL" when frame.SamplesPerPixel == 3 && frame.SampleType is PixelSampleType.UInt8 or PixelSampleType.UInt16:
                return YbrFullToRgb(frame);
            default:
                throw new PixelDecodeException($"Conversion of {frame.PhotometricInterpretation} ({frame.SampleType}, {frame.SamplesPerPixel} samples) to RGB is not supported", PixelDecodeFailure.Unsupported);
        }
    }

    private static PixelFrame YbrFullToRgb(PixelFrame frame)
    {
        var pixels = frame.PixelCount;
        var y = new short[pixels];
        var cb = new short[pixels];
        var cr = new short[pixels];
        for (var p = 0; p < pixels; p++)
        {
            y[p] = (short)frame.GetSample(3 * p);
            cb[p] = (short)frame.GetSample((3 * p) + 1);
            cr[p] = (short)frame.GetSample((3 * p) + 2);
        }

        var precision = frame.SampleType == PixelSampleType.UInt8 ? 8 : Math.Clamp(frame.BitsStored, 9, 15);
        JpegColor.YCbCrToRgb(y, cb, cr, precision);
        var bitsAllocated = frame.SampleType == PixelSampleType.UInt8 ? 8 : 16;
        var data = JpegPlanes.Interleave([y, cb, cr], pixels, bitsAllocated);
        return new PixelFrame(frame.Rows, frame.Columns, 3, frame.SampleType, frame.BitsStored, "RGB", data);
    }
}
