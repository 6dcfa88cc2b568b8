using System.Buffers.Binary;

namespace Telerad.Dicom.Tests.Streaming;

/// <summary>Large values stay out of memory: stop before pixels, lazy values, bounded read → change → write.</summary>
public class StreamingTests
{
    [Theory]
    [InlineData("ele")]
    [InlineData("eli")]
    [InlineData("ebe")]
    [InlineData("jpll")]
    [InlineData("rle")]
    public void Stopping_before_pixel_data_leaves_it_unread_and_knows_whether_it_is_complete(string syntax)
    {
        var path = Directory.EnumerateFiles(TestData.CtStudy(syntax)).Order().First();
        var bytes = File.ReadAllBytes(path);
        using (var file = DicomFile.Open(path, new DicomReaderOptions { StopBeforePixelData = true }))
        {
            Assert.True(file.StoppedBeforePixelData);
            Assert.False(file.Dataset.Contains(DicomTags.PixelData));
            Assert.True(file.PixelDataComplete);
            var offset = checked((int)file.PixelDataOffset!.Value);
            var big = file.TransferSyntax.IsBigEndian;
            Assert.Equal(0x7FE0, big ? BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(offset)) : BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset)));
            Assert.Equal(0x0010, big ? BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(offset + 2)) : BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 2)));
        }

        var cut = Path.Combine(TestData.NewScratchDirectory("cut"), "cut.dcm");
        File.WriteAllBytes(cut, bytes[..^3]);
        using var truncated = DicomFile.Open(cut, new DicomReaderOptions { StopBeforePixelData = true });
        Assert.False(truncated.PixelDataComplete);
        Assert.Throws<DicomFormatException>(() => DicomFile.Open(cut));
    }

    [Fact]
    public void Values_above_the_threshold_are_lazy_ranges_of_the_file()
    {
        var path = Directory.EnumerateFiles(TestData.CtStudy("ele")).Order().First();
        using var file = DicomFile.Open(path, new DicomReaderOptions { LargeValueThreshold = 1024 });
        Assert.True(file.Dataset.TryGetElement(DicomTags.PixelData, out var pixels));
        var lazy = Assert.IsType<DicomLazyValue>(pixels.Value);
        var expected = File.ReadAllBytes(path).AsSpan((int)lazy.Offset, (int)lazy.Length).ToArray();
        Assert.Equal(expected, lazy.GetMemory().ToArray());
        using var stream = lazy.OpenRead();
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        Assert.Equal(expected, copy.ToArray());
    }

    [Fact]
    public void Big_endian_lazy_values_are_swapped_as_they_are_read()
    {
        var ele = Directory.EnumerateFiles(TestData.CtStudy("ele")).Order().First();
        var ebe = Directory.EnumerateFiles(TestData.CtStudy("ebe")).Order().First();
        using var little = DicomFile.Open(ele);
        using var big = DicomFile.Open(ebe, new DicomReaderOptions { LargeValueThreshold = 512 });
        Assert.True(big.Dataset.TryGetElement(DicomTags.PixelData, out var bigPixels));
        Assert.IsType<DicomLazyValue>(bigPixels.Value);
        Assert.True(little.Dataset.TryGetElement(DicomTags.PixelData, out var littlePixels));
        Assert.Equal(littlePixels.Value.GetMemory().ToArray(), bigPixels.Value.GetMemory().ToArray());
    }

    [Fact]
    public void A_forward_only_deflated_file_spills_large_values_and_reads_them_back()
    {
        var path = Directory.EnumerateFiles(TestData.CtStudy("dfl")).Order().First();
        var ele = Directory.EnumerateFiles(TestData.CtStudy("ele")).Order().First();
        using var reference = DicomFile.Open(ele);
        using var deflated = DicomFile.Open(path, new DicomReaderOptions { LargeValueThreshold = 256 });
        Assert.True(deflated.TransferSyntax.IsDeflated);
        Assert.True(deflated.Dataset.TryGetElement(DicomTags.PixelData, out var pixels));
        Assert.IsType<DicomLazyValue>(pixels.Value); // spilled to a temp file, not buffered
        Assert.Empty(DatasetDiff.Compare(reference.Dataset, deflated.Dataset));
    }

    [Fact]
    public void Read_change_write_of_a_large_multiframe_file_runs_in_bounded_memory()
    {
        const int frames = 400;
        const int rows = 512;
        const int columns = 512;
        var scratch = TestData.NewScratchDirectory("bounded");
        var source = Path.Combine(scratch, "big.dcm");
        var target = Path.Combine(scratch, "changed.dcm");
        try
        {
            WriteSyntheticMultiframe(source, frames, rows, columns);
            var sourceLength = new FileInfo(source).Length;
            Assert.True(sourceLength > 200L << 20);

            GC.Collect();
            var before = GC.GetAllocatedBytesForCurrentThread(); // this thread only: other test classes run in parallel
            using (var file = DicomFile.Open(source))
            {
                file.Dataset.SetString(DicomTags.SeriesDescription, "changed");
                file.Save(target, DicomTransferSyntax.ExplicitVRLittleEndian);
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 16L << 20, $"allocated {allocated >> 20} MB to rewrite a {sourceLength >> 20} MB file");

            var listing = DcmdumpListing.Read(target, "-M"); // -M: do not load large values
            Assert.Equal(0, listing.ExitCode);
            Assert.Contains(listing.Dataset, l => l.Tag == DicomTags.SeriesDescription && l.Value == "[changed]");
            Assert.Contains(listing.Dataset, l => l.Tag == DicomTags.PixelData && l.Length == (long)frames * rows * columns * 2);
            using var reread = DicomFile.Open(target);
            Assert.True(reread.Dataset.TryGetElement(DicomTags.PixelData, out var pixels));
            var lazy = Assert.IsType<DicomLazyValue>(pixels.Value);
            var probe = new byte[8];
            lazy.ReadAt(lazy.Length - 8, probe);
            Assert.Equal(ExpectedTail(frames, rows, columns), probe);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static void WriteSyntheticMultiframe(string path, int frames, int rows, int columns)
    {
        var pixelsPath = path + ".raw";
        using (var raw = File.Create(pixelsPath))
        {
            var frame = new byte[rows * columns * 2];
            for (var f = 0; f < frames; f++)
            {
                for (var i = 0; i < frame.Length; i += 2)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(i), (ushort)(f + (i / 2)));
                }

                raw.Write(frame);
            }
        }

        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7.3");
        ds.SetString(DicomTags.SOPInstanceUID, "2.25.1234");
        ds.SetString(DicomTags.Modality, "OT");
        ds.SetString(DicomTags.NumberOfFrames, frames.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ds.SetIntegers(DicomTags.Rows, [rows]);
        ds.SetIntegers(DicomTags.Columns, [columns]);
        ds.SetIntegers(DicomTags.SamplesPerPixel, [1]);
        ds.SetString(DicomTags.PhotometricInterpretation, "MONOCHROME2");
        ds.SetIntegers(DicomTags.BitsAllocated, [16]);
        ds.SetIntegers(DicomTags.BitsStored, [16]);
        ds.SetIntegers(DicomTags.HighBit, [15]);
        ds.SetIntegers(DicomTags.PixelRepresentation, [0]);
        var source = new RawFileSource(pixelsPath);
        ds.Set(new DicomElement(DicomTags.PixelData, DicomVR.OW, new DicomLazyValue(source, 0, new FileInfo(pixelsPath).Length)));
        DicomWriter.WriteFile(path, ds, DicomTransferSyntax.ExplicitVRLittleEndian);
        source.Dispose();
        File.Delete(pixelsPath);
    }

    private static byte[] ExpectedTail(int frames, int rows, int columns)
    {
        var tail = new byte[8];
        var lastIndex = (rows * columns) - 4;
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(tail.AsSpan(i * 2), (ushort)(frames - 1 + lastIndex + i));
        }

        return tail;
    }

    private sealed class RawFileSource(string path) : IDicomRandomAccessSource, IDisposable
    {
        private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _handle = File.OpenHandle(path);

        public long Length => RandomAccess.GetLength(_handle);

        public void ReadExactly(long offset, Span<byte> destination)
        {
            while (destination.Length > 0)
            {
                var read = RandomAccess.Read(_handle, destination, offset);
                if (read <= 0)
                {
                    throw new EndOfStreamException();
                }

                destination = destination[read..];
                offset += read;
            }
        }

        public void Dispose() => _handle.Dispose();
    }
}
