namespace Telerad.Dicom.Tests.Codecs;

/// <summary>
/// Reads what the codec tests need straight from files with the library's reader: the compressed bytes of a
/// single-frame file (its fragments joined, PS3.5 A.4) and the native Pixel Data of a reference tool's output.
/// Samples are compared as values (masked to Bits Stored, sign-extended for Pixel Representation 1, in
/// interleaved order), because tools may leave different bits above the high bit.
/// </summary>
internal static class CodecTestFrames
{
    public sealed record EncodedFrame(PixelDataInfo Info, byte[] Bytes, string TransferSyntaxUid);

    public sealed record NativeImage(PixelDataInfo Info, byte[] PixelData);

    public static EncodedFrame ReadSingleFrame(string path)
    {
        using var file = DicomFile.Open(path);
        var dataset = file.Dataset;
        var info = ReadInfo(dataset);
        Assert.Equal(1, info.NumberOfFrames);
        var fragments = Assert.IsType<DicomFragmentSequence>(dataset[DicomTags.PixelData]);
        var bytes = fragments.Fragments.SelectMany(f => f.GetMemory().ToArray()).ToArray();
        return new EncodedFrame(info, bytes, file.TransferSyntax.Uid);
    }

    public static NativeImage ReadNative(string path)
    {
        using var file = DicomFile.Open(path);
        Assert.False(file.TransferSyntax.IsEncapsulated, $"{path} should be native");
        var element = Assert.IsType<DicomElement>(file.Dataset[DicomTags.PixelData]);
        var info = ReadInfo(file.Dataset);
        return new NativeImage(info, element.Value.GetMemory().ToArray()[..(int)info.NativeFrameLength]);
    }

    public static PixelDataInfo ReadInfo(DicomDataset dataset) => new()
    {
        Rows = Required(dataset, DicomTags.Rows),
        Columns = Required(dataset, DicomTags.Columns),
        SamplesPerPixel = Required(dataset, DicomTags.SamplesPerPixel),
        BitsAllocated = Required(dataset, DicomTags.BitsAllocated),
        BitsStored = Required(dataset, DicomTags.BitsStored),
        HighBit = Required(dataset, DicomTags.HighBit),
        PixelRepresentation = Required(dataset, DicomTags.PixelRepresentation),
        PlanarConfiguration = dataset.GetInt32(DicomTags.PlanarConfiguration) ?? 0,
        PhotometricInterpretation = dataset.GetString(DicomTags.PhotometricInterpretation) ?? string.Empty,
        NumberOfFrames = dataset.GetInt32(DicomTags.NumberOfFrames) ?? 1,
    };

    /// <summary>Sample values pixel by pixel, sample by sample, as (Bits Stored, Pixel Representation) define them.</summary>
    public static int[] SampleValues(byte[] data, PixelDataInfo shape, int planarConfiguration, int bitsStored, int pixelRepresentation)
    {
        var pixels = shape.Rows * shape.Columns;
        var samples = shape.SamplesPerPixel;
        var values = new int[pixels * samples];
        var mask = (int)((1L << bitsStored) - 1);
        for (var p = 0; p < pixels; p++)
        {
            for (var s = 0; s < samples; s++)
            {
                var index = planarConfiguration == 1 ? (s * pixels) + p : (p * samples) + s;
                var raw = shape.BitsAllocated == 8 ? data[index] : BitConverter.ToUInt16(data, index * 2);
                var value = raw & mask;
                if (pixelRepresentation == 1 && (value & (1 << (bitsStored - 1))) != 0)
                {
                    value -= 1 << bitsStored;
                }

                values[(p * samples) + s] = value;
            }
        }

        return values;
    }

    /// <summary>Fails with how many samples differ and where the first one is.</summary>
    public static void AssertSameSamples(int[] expected, int[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i])
            {
                var differing = expected.Zip(actual).Count(pair => pair.First != pair.Second);
                Assert.Fail($"{what}: {differing} of {expected.Length} samples differ, the first at sample {i} (expected {expected[i]}, got {actual[i]})");
            }
        }
    }

    /// <summary>Runs a reference tool that writes a file; fails with its stderr when it does not.</summary>
    public static void RunTool(string tool, params string[] arguments)
    {
        var result = ExternalTool.Run(ExternalTool.Require(tool), arguments);
        Assert.True(result.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.StandardError}{result.StandardOutput}");
    }

    public static string Pydicom(string name) => Path.Combine(TestData.PydicomTestFiles, name);

    private static int Required(DicomDataset dataset, DicomTag tag) =>
        dataset.GetInt32(tag) ?? throw new InvalidOperationException($"{tag} is missing");
}
