namespace Telerad.Triage.Tests;

/// <summary>
/// The preprocessing rules of docs/models.md on a frame small enough to work out by hand (every expected number below
/// is derived in the comments, not taken from the code).
/// </summary>
public sealed class SlicePreprocessorTests
{
    // Stored values of a 4x5 frame; with Rescale Slope 2 and Intercept -100 they become the HU in the comments.
    private static readonly short[] Stored =
    [
        50, 60, 70, 80, 90,    // HU   0,  20, 40,  60,  80 -> window [0, 80] / 80: 0,    .25, .5,   .75, 1
        40, 100, 50, 45, 200,  // HU -20, 100,  0, -10, 300 ->                      0,    1,   0,    0,   1
        75, 75, 75, 75, 75,    // HU  50 everywhere          ->                      .625 each
        55, 55, 55, 95, 95,    // HU  10,  10, 10,  90,  90 ->                      .125, .125, .125, 1,  1
    ];

    // Output 2x2: rows 0-1 -> 0, rows 2-3 -> 1; columns floor(j * 2 / 5): j = 0, 1, 2 -> 0 and j = 3, 4 -> 1.
    //   (0,0) = (0 + .25 + .5 + 0 + 1 + 0) / 6  = 1.75 / 6 = 0.2916667
    //   (0,1) = (.75 + 1 + 0 + 1) / 4           = 0.6875
    //   (1,0) = (3 * .625 + 3 * .125) / 6       = 0.375
    //   (1,1) = (2 * .625 + 1 + 1) / 4          = 0.8125
    private static readonly float[] Windowed = [0.2916667f, 0.6875f, 0.375f, 0.8125f];

    private static PixelFrame Frame(short[] values, int rows, int columns, int samples = 1, string photometric = "MONOCHROME2")
    {
        var bytes = new byte[values.Length * 2];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return new PixelFrame(rows, columns, samples, PixelSampleType.Int16, 16, photometric, bytes);
    }

    private static ModelPreprocessing Settings(ModelWindow? window, ModelNormalisation? normalise = null, bool lut = true) =>
        new() { ModalityLut = lut, Window = window, Resample = new ModelResample(2, 2), Normalise = normalise ?? new ModelNormalisation() };

    private static float[] Run(ModelPreprocessing settings)
    {
        var plane = new float[4];
        new SlicePreprocessor(settings).Process(Frame(Stored, 4, 5), ModalityLut.Rescale(2, -100), plane);
        return plane;
    }

    [Fact]
    public void Modality_lut_then_window_then_area_resampling()
    {
        Assert.Equal(Windowed, Run(Settings(new ModelWindow(40, 80))), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Thirty_two_bit_and_float_frames_give_the_same_numbers()
    {
        var settings = Settings(new ModelWindow(40, 80));
        var ints = new byte[Stored.Length * 4];
        Buffer.BlockCopy(Stored.Select(v => (int)v).ToArray(), 0, ints, 0, ints.Length);
        var floats = new byte[Stored.Length * 4];
        Buffer.BlockCopy(Stored.Select(v => (float)v).ToArray(), 0, floats, 0, floats.Length);
        foreach (var frame in new[] { new PixelFrame(4, 5, 1, PixelSampleType.Int32, 32, "MONOCHROME2", ints), new PixelFrame(4, 5, 1, PixelSampleType.Float32, 32, "MONOCHROME2", floats) })
        {
            var plane = new float[4];
            new SlicePreprocessor(settings).Process(frame, ModalityLut.Rescale(2, -100), plane);
            Assert.Equal(Windowed, plane, (a, b) => Math.Abs(a - b) < 1e-6);
        }
    }

    [Fact]
    public void A_different_rescale_on_the_next_slice_is_not_served_from_the_previous_table()
    {
        var preprocessor = new SlicePreprocessor(Settings(new ModelWindow(40, 80)));
        var first = new float[4];
        var second = new float[4];
        preprocessor.Process(Frame(Stored, 4, 5), ModalityLut.Rescale(2, -100), first);
        preprocessor.Process(Frame(Stored, 4, 5), ModalityLut.Rescale(2, -60), second); // 40 HU higher everywhere

        Assert.Equal(Windowed, first, (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.NotEqual(first[0], second[0]);
    }

    [Theory]
    [InlineData(PixelSampleType.Int16, 0)]
    [InlineData(PixelSampleType.UInt16, 1024)]
    [InlineData(PixelSampleType.UInt8, 100)]
    public void Wide_rows_take_the_vectorised_path_and_give_the_same_numbers(PixelSampleType type, int offset)
    {
        // 3 rows x 40 columns into 1 x 5: bins of 8 columns, each bin one HU value: 0, 80, 40, -100, 20
        // -> windowed 0, 1, .5, 0 (clipped), .25. Stored = HU + offset, undone by Rescale Intercept -offset.
        int[] hu = [0, 80, 40, -100, 20];
        var stored = Enumerable.Range(0, 3 * 40).Select(i => hu[(i % 40) / 8] + offset).ToArray();
        var bytes = type switch
        {
            PixelSampleType.UInt8 => stored.Select(v => (byte)v).ToArray(),
            PixelSampleType.UInt16 => stored.SelectMany(v => BitConverter.GetBytes((ushort)v)).ToArray(),
            _ => stored.SelectMany(v => BitConverter.GetBytes((short)v)).ToArray(),
        };
        var plane = new float[5];
        var settings = new ModelPreprocessing { Window = new ModelWindow(40, 80), Resample = new ModelResample(1, 5) };
        new SlicePreprocessor(settings).Process(new PixelFrame(3, 40, 1, type, type == PixelSampleType.UInt8 ? 8 : 16, "MONOCHROME2", bytes), ModalityLut.Rescale(1, -offset), plane);

        Assert.Equal([0f, 1f, 0.5f, 0f, 0.25f], plane, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    /// <summary>
    /// A CT-like frame of random values area-resampled, against the rules computed pixel by pixel in doubles here.
    /// Slope 1 with whole intercepts puts the window's ends on whole stored values (the exact integer path: 16-bit row
    /// sums when the window is narrow enough for the bin's rows, else 32-bit); the other cases (a fractional intercept,
    /// slope 0.3) take the float path. Sizes: 512 into 64 and 128 (bins of 8 and 4), 500 into 128 (bins of 3 and 4 mixed),
    /// 1024 into 32 with a 3000-wide window (32 rows of up to 3000 overflow 16 bits: the 32-bit path). All must agree.
    /// </summary>
    [Theory]
    [InlineData(PixelSampleType.Int16, 1, -1024, 512, 64, 80)]
    [InlineData(PixelSampleType.UInt16, 1, -1024, 512, 64, 80)]
    [InlineData(PixelSampleType.Int16, 2, -100, 512, 64, 80)]
    [InlineData(PixelSampleType.Int16, 1, -1024.25, 512, 64, 80)]
    [InlineData(PixelSampleType.UInt16, 0.3, -20, 512, 64, 80)]
    [InlineData(PixelSampleType.Int16, 1, -1024, 512, 128, 80)]
    [InlineData(PixelSampleType.UInt16, 1, -1024, 512, 128, 80)]
    [InlineData(PixelSampleType.Int16, 1, -1024, 500, 128, 80)]
    [InlineData(PixelSampleType.UInt16, 1, -1024, 500, 128, 80)]
    [InlineData(PixelSampleType.Int16, 1, -1024, 516, 129, 80)] // equal bins of 4 with a tail shorter than a vector
    [InlineData(PixelSampleType.UInt16, 1, -1024, 520, 65, 80)] // equal bins of 8, tail
    [InlineData(PixelSampleType.Int16, 1, -1024, 24, 3, 80)]
    [InlineData(PixelSampleType.Int16, 1, -1024, 1024, 32, 3000)]
    [InlineData(PixelSampleType.UInt16, 1, 0, 1024, 32, 3000)]
    public void A_full_size_slice_matches_the_rules_computed_pixel_by_pixel(PixelSampleType type, double slope, double intercept, int size, int outSize, int width)
    {
        var random = new Random(7);
        // With the wide window, values up to 6000: a 32-row bin's offsets then add up past 16 bits.
        var top = width == 80 ? 1500 : 6000;
        var stored = Enumerable.Range(0, size * size).Select(_ => type == PixelSampleType.Int16 ? random.Next(-1100, top) : random.Next(0, top)).ToArray();
        var bytes = stored.SelectMany(v => type == PixelSampleType.Int16 ? BitConverter.GetBytes((short)v) : BitConverter.GetBytes((ushort)v)).ToArray();
        var plane = new float[outSize * outSize];
        var center = width == 80 ? 40 : 500;
        var settings = new ModelPreprocessing { Window = new ModelWindow(center, width), Resample = new ModelResample(outSize, outSize) };
        new SlicePreprocessor(settings).Process(new PixelFrame(size, size, 1, type, 16, "MONOCHROME2", bytes), ModalityLut.Rescale(slope, intercept), plane);

        var sums = new double[outSize * outSize];
        var counts = new int[outSize * outSize];
        for (var i = 0; i < size * size; i++)
        {
            var windowed = Math.Clamp(((stored[i] * slope) + intercept - (center - (width / 2))) / width, 0, 1);
            var cell = ((int)((long)(i / size) * outSize / size) * outSize) + (int)((long)(i % size) * outSize / size);
            sums[cell] += windowed;
            counts[cell]++;
        }

        var expected = sums.Select((v, k) => (float)(v / counts[k])).ToArray();
        Assert.Equal(expected, plane, (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Contains(plane, v => v > 0.05 && v < 0.95); // not all clipped: the comparison says something
    }

    [Fact]
    public void Normalisation_comes_last()
    {
        // (v - 0.5) / 0.25: -0.8333333, 0.75, -0.5, 1.25
        Assert.Equal([-0.8333333f, 0.75f, -0.5f, 1.25f], Run(Settings(new ModelWindow(40, 80), new ModelNormalisation(0.5, 0.25))), (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void Without_window_or_lut_the_stored_values_are_averaged()
    {
        // (0,0) = (50 + 60 + 70 + 40 + 100 + 50) / 6 = 61.666667; (1,1) = (75 + 75 + 95 + 95) / 4 = 85
        var plane = Run(Settings(window: null, lut: false));
        Assert.Equal(61.666667f, plane[0], 4);
        Assert.Equal(85f, plane[3], 4);
    }

    [Fact]
    public void A_frame_smaller_than_the_input_or_in_colour_is_refused_as_unsupported()
    {
        var preprocessor = new SlicePreprocessor(Settings(new ModelWindow(40, 80)) with { Resample = new ModelResample(8, 8) });
        var small = Assert.Throws<PixelDecodeException>(() => preprocessor.Process(Frame(Stored, 4, 5), ModalityLut.Identity, new float[64]));
        Assert.Contains("smaller than the model's input", small.Message, StringComparison.Ordinal);
        Assert.Equal(PixelDecodeFailure.Unsupported, small.Failure);

        var rgb = Assert.Throws<PixelDecodeException>(() => new SlicePreprocessor(Settings(null)).Process(Frame(new short[60], 4, 5, samples: 3, photometric: "RGB"), ModalityLut.Identity, new float[4]));
        Assert.Contains("greyscale", rgb.Message, StringComparison.Ordinal);
    }
}
