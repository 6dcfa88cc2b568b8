using System.Globalization;
using System.Runtime.InteropServices;

namespace Telerad.Dicom.Tests.Pixels;

/// <summary>Modality, VOI and palette LUTs against values computed by hand from the formulas of PS3.3 C.11 and C.7.9.</summary>
public sealed class LutTests
{
    private static PixelFrame Int16Frame(string photometric, params short[] values) =>
        new(1, values.Length, 1, PixelSampleType.Int16, 16, photometric, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    [Theory]
    // C.11.2.1.2.1 LINEAR, c=40 w=400: black at x <= 40-0.5-199.5 = -160, white at x > 239,
    // else ((x - 39.5) / 399 + 0.5) * 255: x=0 -> 102.28, x=40 -> 127.82, x=239 -> 255.
    [InlineData(VoiFunction.Linear, -161, 0)]
    [InlineData(VoiFunction.Linear, -160, 0)]
    [InlineData(VoiFunction.Linear, 0, 102)]
    [InlineData(VoiFunction.Linear, 40, 128)]
    [InlineData(VoiFunction.Linear, 239, 255)]
    [InlineData(VoiFunction.Linear, 240, 255)]
    // C.11.2.1.3.2 LINEAR_EXACT, c=40 w=400: black at x <= -160, white at x > 240, else ((x - 40) / 400 + 0.5) * 255:
    // x=-100 -> 38.25, x=0 -> 102, x=41 -> 128.14, x=200 -> 229.5 (rounds up).
    [InlineData(VoiFunction.LinearExact, -160, 0)]
    [InlineData(VoiFunction.LinearExact, -100, 38)]
    [InlineData(VoiFunction.LinearExact, 0, 102)]
    [InlineData(VoiFunction.LinearExact, 41, 128)]
    [InlineData(VoiFunction.LinearExact, 200, 230)]
    [InlineData(VoiFunction.LinearExact, 241, 255)]
    // C.11.2.1.3.1 SIGMOID, c=40 w=400: 255 / (1 + exp(-4 (x - 40) / 400)):
    // x=40 -> 127.5, x=140 -> 255/(1+e^-1) = 186.42, x=-60 -> 255/(1+e) = 68.58, x=1040 -> 254.99.
    [InlineData(VoiFunction.Sigmoid, 40, 128)]
    [InlineData(VoiFunction.Sigmoid, 140, 186)]
    [InlineData(VoiFunction.Sigmoid, -60, 69)]
    [InlineData(VoiFunction.Sigmoid, 1040, 255)]
    public void Window_functions_follow_the_standard(VoiFunction function, int x, int expected)
    {
        var voi = VoiLut.Window(40, 400, function);
        Assert.Equal(expected, (int)Math.Floor(voi.Apply(x) + 0.5));

        // The same through the renderer: a small frame (computed per sample) and a large one (one lookup table).
        var small = Int16Frame("MONOCHROME2", (short)x);
        Assert.Equal(expected, PixelRenderer.ToDisplay8(small, ModalityLut.Identity, voi)[0]);
        var large = Int16Frame("MONOCHROME2", [.. Enumerable.Repeat((short)x, 70000)]);
        Assert.All(PixelRenderer.ToDisplay8(large, ModalityLut.Identity, voi), b => Assert.Equal(expected, b));

        // And float samples, which take the per-value path.
        var floats = new PixelFrame(1, 40, 1, PixelSampleType.Float32, 32, "MONOCHROME2", MemoryMarshal.AsBytes(Enumerable.Repeat((float)x, 40).ToArray().AsSpan()).ToArray());
        Assert.All(PixelRenderer.ToDisplay8(floats, ModalityLut.Identity, voi), b => Assert.Equal(expected, b));
    }

    [Fact]
    public void Rescale_gives_modality_values_and_monochrome1_is_inverted_for_display()
    {
        // CT: HU = stored * 1 - 1024.
        var stored = new PixelFrame(1, 4, 1, PixelSampleType.UInt16, 12, "MONOCHROME1", MemoryMarshal.AsBytes(new ushort[] { 0, 1024, 1064, 4095 }.AsSpan()).ToArray());
        var modality = ModalityLut.Rescale(1, -1024);
        Assert.Equal(new float[] { -1024, 0, 40, 3071 }, PixelRenderer.ToModalityValues(stored, modality));

        // LINEAR c=40 w=400 on HU -1024, 0, 40, 3071 -> 0, 102, 128, 255; MONOCHROME1 shows 255 - y.
        Assert.Equal(new byte[] { 255, 153, 127, 0 }, PixelRenderer.ToDisplay8(stored, modality, VoiLut.Window(40, 400)));
    }

    [Fact]
    public void Vectorised_rescale_matches_the_formula_for_every_int16()
    {
        var all = Enumerable.Range(short.MinValue, 65536).Select(v => (short)v).ToArray();
        var values = PixelRenderer.ToModalityValues(Int16Frame("MONOCHROME2", all), ModalityLut.Rescale(0.5, -100));
        for (var i = 0; i < all.Length; i++)
        {
            Assert.Equal((all[i] * 0.5f) - 100, values[i]);
        }
    }

    [Fact]
    public void Modality_lut_sequence_maps_through_its_table_and_clamps_outside_it()
    {
        // Descriptor: 4 entries, first mapped value 10, 16 bits; data 100 200 300 400.
        var dataset = new DicomDataset();
        var item = new DicomDataset();
        item.SetValues(DicomTags.LUTDescriptor, DicomVR.US, new ushort[] { 4, 10, 16 });
        item.SetValues(DicomTags.LUTData, DicomVR.OW, new ushort[] { 100, 200, 300, 400 });
        dataset.SetSequence(DicomTags.ModalityLUTSequence, item);
        dataset.SetDoubles(DicomTags.RescaleSlope, [2.0]); // ignored: the LUT sequence wins
        var modality = ModalityLut.FromDataset(dataset);
        Assert.NotNull(modality.Table);
        var frame = Int16Frame("MONOCHROME2", 5, 10, 12, 13, 99);
        Assert.Equal(new float[] { 100, 100, 300, 400, 400 }, PixelRenderer.ToModalityValues(frame, modality));
    }

    [Fact]
    public void Voi_lut_sequence_scales_its_entries_to_the_display_range()
    {
        // Descriptor: 3 entries from 0, 10 bits; entry 1023 is white, 512 is 512/1023*255 = 127.62.
        var dataset = new DicomDataset();
        var item = new DicomDataset();
        item.SetValues(DicomTags.LUTDescriptor, DicomVR.US, new ushort[] { 3, 0, 10 });
        item.SetValues(DicomTags.LUTData, DicomVR.OW, new ushort[] { 0, 512, 1023 });
        dataset.SetSequence(DicomTags.VOILUTSequence, item);
        var voi = VoiLut.FromDataset(dataset);
        Assert.NotNull(voi?.Table);
        Assert.Equal(new byte[] { 0, 0, 128, 255, 255 }, PixelRenderer.ToDisplay8(Int16Frame("MONOCHROME2", -5, 0, 1, 2, 300), ModalityLut.Identity, voi));
    }

    [Fact]
    public void Window_attributes_are_read_with_their_function()
    {
        var dataset = new DicomDataset();
        dataset.SetStrings(DicomTags.WindowCenter, ["40", "-600"]);
        dataset.SetStrings(DicomTags.WindowWidth, ["400", "1500"]);
        dataset.SetString(DicomTags.VOILUTFunction, "LINEAR_EXACT");
        var second = VoiLut.FromDataset(dataset, index: 1);
        Assert.NotNull(second);
        Assert.Equal((-600.0, 1500.0, VoiFunction.LinearExact), (second.Center, second.Width, second.Function));
        Assert.Null(VoiLut.FromDataset(new DicomDataset()));
    }

    [Fact]
    public void Enhanced_multi_frame_luts_come_from_the_frame_then_the_shared_functional_groups()
    {
        // PS3.3 C.7.6.16: frame 2 has its own Pixel Value Transformation and Frame VOI LUT; frame 1 uses the shared ones.
        static DicomDataset Group(double slope, double intercept, double center, double width)
        {
            var transformation = new DicomDataset();
            transformation.SetDoubles(DicomTags.RescaleSlope, [slope]);
            transformation.SetDoubles(DicomTags.RescaleIntercept, [intercept]);
            var window = new DicomDataset();
            window.SetDoubles(DicomTags.WindowCenter, [center]);
            window.SetDoubles(DicomTags.WindowWidth, [width]);
            var group = new DicomDataset();
            group.SetSequence(DicomTags.PixelValueTransformationSequence, transformation);
            group.SetSequence(DicomTags.FrameVOILUTSequence, window);
            return group;
        }

        var dataset = new DicomDataset();
        dataset.SetSequence(DicomTags.SharedFunctionalGroupsSequence, Group(1, -1024, 40, 400));
        dataset.SetSequence(DicomTags.PerFrameFunctionalGroupsSequence, new DicomDataset(), Group(2, -10, 500, 1000));
        Assert.Equal(-1024 + 100, ModalityLut.FromDataset(dataset, 0).Apply(100));
        Assert.Equal((2 * 100) - 10, ModalityLut.FromDataset(dataset, 1).Apply(100));
        Assert.Equal((40.0, 400.0), (VoiLut.FromDataset(dataset, 0)!.Center, VoiLut.FromDataset(dataset, 0)!.Width));
        Assert.Equal((500.0, 1000.0), (VoiLut.FromDataset(dataset, 1)!.Center, VoiLut.FromDataset(dataset, 1)!.Width));
    }

    [Fact]
    public void Without_a_window_the_frame_range_is_shown()
    {
        var frame = Int16Frame("MONOCHROME2", -100, 0, 100);
        Assert.Equal(new byte[] { 0, 128, 255 }, PixelRenderer.ToDisplay8(frame, ModalityLut.Identity, null));
    }

    [Fact]
    public void Real_ct_window_renders_like_the_formula()
    {
        // pydicom's CT_small.dcm: its own rescale and window, every sample checked against the C.11.2.1.2.1 formula.
        using var file = DicomFile.Open(Path.Combine(TestData.PydicomTestFiles, "CT_small.dcm"));
        var pixels = DicomPixelData.Create(file);
        var frame = pixels.DecodeFrame(0);
        var modality = ModalityLut.FromDataset(file.Dataset);
        var slope = file.Dataset.GetDouble(DicomTags.RescaleSlope) ?? 1;
        var intercept = file.Dataset.GetDouble(DicomTags.RescaleIntercept) ?? 0;
        var voi = VoiLut.FromDataset(file.Dataset) ?? VoiLut.Window(40, 400);
        var display = PixelRenderer.ToDisplay8(frame, modality, voi);
        for (var i = 0; i < frame.SampleCount; i++)
        {
            var x = (frame.GetSample(i) * slope) + intercept;
            double c = voi.Center, w = voi.Width;
            var y = x <= c - 0.5 - ((w - 1) / 2) ? 0 : x > c - 0.5 + ((w - 1) / 2) ? 255 : ((((x - (c - 0.5)) / (w - 1)) + 0.5) * 255);
            Assert.True(Math.Abs(display[i] - y) <= 0.5 + 1e-9, string.Create(CultureInfo.InvariantCulture, $"sample {i}: {display[i]} vs {y}"));
        }
    }

    [Fact]
    public void Palette_maps_indices_and_clamps_outside_the_table()
    {
        var dataset = new DicomDataset();
        foreach (var tag in new[] { DicomTags.RedPaletteColorLookupTableDescriptor, DicomTags.GreenPaletteColorLookupTableDescriptor, DicomTags.BluePaletteColorLookupTableDescriptor })
        {
            dataset.SetValues(tag, DicomVR.US, new ushort[] { 4, 2, 16 });
        }

        dataset.SetValues(DicomTags.RedPaletteColorLookupTableData, DicomVR.OW, new ushort[] { 0, 0x1000, 0x8000, 0xFFFF });
        dataset.SetValues(DicomTags.GreenPaletteColorLookupTableData, DicomVR.OW, new ushort[] { 1, 2, 3, 4 });
        dataset.SetValues(DicomTags.BluePaletteColorLookupTableData, DicomVR.OW, new ushort[] { 0xFFFF, 0x8000, 0x1000, 0 });
        var palette = PaletteColorLut.FromDataset(dataset);
        var indices = new PixelFrame(1, 4, 1, PixelSampleType.UInt8, 8, "PALETTE COLOR", [0, 3, 5, 9]);
        var rgb = palette.ToRgb(indices);
        Assert.Equal(PixelSampleType.UInt16, rgb.SampleType);
        Assert.Equal(new ushort[] { 0, 1, 0xFFFF, 0x1000, 2, 0x8000, 0xFFFF, 4, 0, 0xFFFF, 4, 0 }, rgb.GetSamples<ushort>().ToArray());
        Assert.Equal(new byte[] { 0, 0, 0xFF, 0x10, 0, 0x80, 0xFF, 0, 0, 0xFF, 0, 0 }, palette.ToRgb8(indices));
    }

    [Fact]
    public void Segmented_palette_data_expands_like_pydicom()
    {
        // Discrete [0, 10, 20]; linear over 4 entries to 60; discrete [7]; linear over 4 entries to 17 (steps of 2.5);
        // indirect: 1 segment copied from byte offset 0.
        ushort[] data = [0, 3, 0, 10, 20, 1, 4, 60, 0, 1, 7, 1, 4, 17, 2, 1, 0, 0];
        var ours = SegmentedLut.Expand(data, 15);
        var script = "import sys; from pydicom.pixel_data_handlers.util import _expand_segmented_lut as e; "
            + "print(' '.join(map(str, e(tuple(int(v) for v in sys.argv[1].split(',')), '<H'))))";
        var result = ExternalTool.Run("/usr/bin/python3", ["-c", script, string.Join(",", data[..14])]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        var pydicom = result.StandardOutput.Trim().Split(' ').Select(s => ushort.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(pydicom, ours[..pydicom.Length]);
        Assert.Equal(new ushort[] { 0, 10, 20 }, ours[^3..]); // the indirect copy (pydicom reads the offset as words; at 0 both agree)
    }
}
