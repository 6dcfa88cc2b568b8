using System.Buffers.Binary;
using System.Diagnostics;

namespace Telerad.Dicom.Tests.Reader;

/// <summary>
/// Whatever the bytes, reading ends quickly, in bounded memory, either with a data set or with
/// <see cref="DicomFormatException"/> (carrying an offset) — never another exception, a hang, or a huge allocation.
/// </summary>
public class HostileInputTests
{
    private static readonly TimeSpan PerInputBudget = TimeSpan.FromSeconds(2);

    private static void ReadSafely(byte[] bytes, string what)
    {
        _ = DicomDictionary.Find(DicomTags.PatientName); // the dictionary loads once per process: not the input's cost
        var watch = Stopwatch.StartNew();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            using var file = DicomFile.Read(bytes);
            foreach (var item in file.Dataset)
            {
                _ = item.Length; // touch what was read
            }
        }
        catch (DicomFormatException ex)
        {
            Assert.True(ex.Offset >= -1, what);
        }
        catch (Exception ex)
        {
            Assert.Fail($"{what}: {ex.GetType().Name} instead of DicomFormatException: {ex.Message}");
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(watch.Elapsed < PerInputBudget, $"{what}: took {watch.Elapsed}");
        Assert.True(allocated < (4L << 20) + (8L * bytes.Length), $"{what}: allocated {allocated} bytes for a {bytes.Length}-byte input");
    }

    [Theory]
    [InlineData("test_files/CT_small.dcm", 1)]
    [InlineData("test_files/rtplan.dcm", 1)]
    [InlineData("test_files/UN_sequence.dcm", 1)]
    [InlineData("test_files/image_dfl.dcm", 7)]
    [InlineData("test_files/ExplVR_BigEnd.dcm", 13)]
    [InlineData("test_files/JPEG2000.dcm", 5)]
    [InlineData("charset_files/chrSQEncoding.dcm", 1)]
    public void Truncation_at_every_offset_is_a_clean_error_or_a_shorter_data_set(string name, int stride)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.PydicomRoot, name));
        var failures = 0;
        for (var length = 0; length < bytes.Length; length += stride)
        {
            var cut = bytes[..length];
            try
            {
                using var _ = DicomFile.Read(cut);
            }
            catch (DicomFormatException ex)
            {
                failures++;
                Assert.InRange(ex.Offset, -1, length);
            }
            catch (Exception ex)
            {
                Assert.Fail($"{name} cut at {length}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.True(failures > bytes.Length / stride / 2, $"most truncations of {name} must be reported, only {failures} were");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_huge_length_field_fails_without_allocating_it(bool explicitVR)
    {
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, 0x0010);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), 0x0010);
        if (explicitVR)
        {
            "UT"u8.CopyTo(bytes.AsSpan(4));
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 0xFFFFFFF0);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 0xFFFFFFF0);
        }

        var options = new DicomReaderOptions { BareDatasetTransferSyntax = explicitVR ? DicomTransferSyntax.ExplicitVRLittleEndian : DicomTransferSyntax.ImplicitVRLittleEndian };
        var error = Assert.Throws<DicomFormatException>(() => DicomFile.Read(bytes, options));
        Assert.Contains("(0010,0010)", error.TagPath, StringComparison.Ordinal);
        Assert.Equal(0, error.Offset);
        ReadSafely(bytes, "huge length");
    }

    [Fact]
    public void A_huge_length_in_a_forward_only_stream_fails_at_the_end_without_buffering_it()
    {
        // A deflated data set hides its size: the value is spilled to disk as it arrives, then the end is found.
        var dataset = new DicomDataset();
        dataset.SetString(DicomTags.SOPInstanceUID, "1.2.3");
        using var good = new MemoryStream();
        DicomWriter.WriteFile(good, dataset, DicomTransferSyntax.ExplicitVRLittleEndian);
        var bytes = good.ToArray().Concat(new byte[] { 0x10, 0x00, 0x10, 0x00, (byte)'U', (byte)'T', 0, 0, 0xF0, 0xFF, 0xFF, 0x7F }).Concat(new byte[1 << 20]).ToArray();
        using var forwardOnly = new ForwardOnlyStream(bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<DicomFormatException>(() => DicomFile.Read(forwardOnly, new DicomReaderOptions { LargeValueThreshold = 64 * 1024 }));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8 << 20);
    }

    [Fact]
    public void Deep_nesting_is_refused_without_exhausting_the_stack()
    {
        const int depth = 100_000;
        using var stream = new MemoryStream();
        var header = new byte[8];
        for (var i = 0; i < depth; i++)
        {
            // (0008,1115) SQ undefined length, then an undefined-length item.
            stream.Write([0x08, 0x00, 0x15, 0x11, (byte)'S', (byte)'Q', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]);
            stream.Write([0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]);
        }

        var bytes = stream.ToArray();
        var error = Assert.Throws<DicomFormatException>(() => DicomFile.Read(bytes, new DicomReaderOptions { BareDatasetTransferSyntax = DicomTransferSyntax.ExplicitVRLittleEndian }));
        Assert.Contains("nested deeper", error.Message, StringComparison.Ordinal);
        _ = header;
    }

    [Fact]
    public void Random_bytes_never_escape_as_another_exception()
    {
        var random = new Random(20261128);
        for (var i = 0; i < 3000; i++)
        {
            var bytes = new byte[random.Next(0, 2048)];
            random.NextBytes(bytes);
            if (i % 3 == 0 && bytes.Length > 140)
            {
                "DICM"u8.CopyTo(bytes.AsSpan(128)); // get past the prefix check into the meta reader
                bytes[132] = 0x02;
                bytes[133] = 0x00;
            }

            ReadSafely(bytes, $"random input {i}");
        }
    }

    [Theory]
    [InlineData("test_files/CT_small.dcm")]
    [InlineData("test_files/rtstruct.dcm")]
    [InlineData("test_files/image_dfl.dcm")]
    [InlineData("test_files/MR_small_bigendian.dcm")]
    [InlineData("test_files/nested_priv_SQ.dcm")]
    public void Corrupted_real_files_never_escape_as_another_exception(string name)
    {
        var original = File.ReadAllBytes(Path.Combine(TestData.PydicomRoot, name));
        var random = new Random(name.Length);
        for (var i = 0; i < 1500; i++)
        {
            var bytes = (byte[])original.Clone();
            var flips = random.Next(1, 8);
            for (var f = 0; f < flips; f++)
            {
                // Favour the header region, where lengths and tags live.
                var at = random.Next(0, Math.Min(bytes.Length, random.Next(2) == 0 ? 2048 : bytes.Length));
                bytes[at] = (byte)random.Next(256);
            }

            ReadSafely(bytes, $"{name} corruption {i}");
        }
    }

    /// <summary>A stream that cannot seek, like a zip entry or a network body.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(count, bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
