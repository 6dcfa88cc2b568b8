namespace Telerad.Dicom.Tests.Pixels;

/// <summary>Sample-by-sample comparison of decoded frames, with a message that says where they differ.</summary>
internal static class PixelAssert
{
    public static void Equal(PixelFrame expected, PixelFrame actual, string what, bool comparePhotometric = true) =>
        Close(expected, actual, 0, 0, what, comparePhotometric);

    /// <summary>Equal shape and type; samples differ by at most <paramref name="maxDifference"/>, and only in the given fraction of samples.</summary>
    public static void Close(PixelFrame expected, PixelFrame actual, double maxDifference, double maxDifferingFraction, string what, bool comparePhotometric = true)
    {
        Assert.True(expected.Rows == actual.Rows && expected.Columns == actual.Columns && expected.SamplesPerPixel == actual.SamplesPerPixel,
            $"{what}: size {actual.Columns}x{actual.Rows}x{actual.SamplesPerPixel}, expected {expected.Columns}x{expected.Rows}x{expected.SamplesPerPixel}");
        Assert.True(expected.SampleType == actual.SampleType, $"{what}: sample type {actual.SampleType}, expected {expected.SampleType}");
        Assert.True(!comparePhotometric || expected.PhotometricInterpretation == actual.PhotometricInterpretation,
            $"{what}: photometric {actual.PhotometricInterpretation}, expected {expected.PhotometricInterpretation}");
        if (expected.Data.AsSpan().SequenceEqual(actual.Data))
        {
            return;
        }

        var differing = 0;
        var first = -1;
        var largest = 0.0;
        for (var i = 0; i < expected.SampleCount; i++)
        {
            var difference = Math.Abs(expected.GetSample(i) - actual.GetSample(i));
            if (difference > 0)
            {
                differing++;
                first = first < 0 ? i : first;
                largest = Math.Max(largest, difference);
            }
        }

        if (maxDifference > 0 && maxDifference >= largest && differing <= maxDifferingFraction * expected.SampleCount)
        {
            return;
        }

        Assert.Fail($"{what}: {differing} of {expected.SampleCount} samples differ (first at sample {first}: {actual.GetSample(first)} vs {expected.GetSample(first)}; max difference {largest})");
    }
}
