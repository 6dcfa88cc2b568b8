namespace Telerad.Dicom.Tests.Writer;

/// <summary>
/// Large values read from a file are copied to an output file inside the kernel (copy_file_range) when both are
/// files on one file system, and through user memory otherwise. Both ways must write the same bytes; which way
/// was taken is seen through the per-thread count of bytes copied in the kernel.
/// </summary>
public sealed class KernelCopyTests : IDisposable
{
    private readonly string _scratch = TestData.NewScratchDirectory("kernel-copy");

    private static string CtFile() => Directory.EnumerateFiles(TestData.CtStudy("ele")).Order().First();

    /// <summary>Reads the CT slice (its pixel data stays a lazy range of the file), changes a header value, writes it.</summary>
    private static long Rewrite(string input, Func<DicomFile, long> write)
    {
        using var file = DicomFile.Open(input, new DicomReaderOptions { LargeValueThreshold = 1024 });
        Assert.IsType<DicomLazyValue>(Pixels(file));
        file.Dataset.SetString(DicomTags.SeriesDescription, "rewritten (odd)", DicomVR.LO); // header length changes: offsets differ
        var before = FileRangeCopy.BytesCopiedOnThisThread;
        write(file);
        return FileRangeCopy.BytesCopiedOnThisThread - before;
    }

    /// <summary>The same rewrite into memory: never a kernel copy; the reference bytes.</summary>
    private static byte[] Expected(string input)
    {
        var memory = new MemoryStream();
        Assert.Equal(0, Rewrite(input, f => { f.Save(memory, DicomTransferSyntax.ExplicitVRLittleEndian); return 0; }));
        return memory.ToArray();
    }

    [Fact]
    public void File_to_file_on_one_file_system_copies_the_pixel_data_in_the_kernel()
    {
        Assert.True(OperatingSystem.IsLinux(), "copy_file_range is Linux only; Telerad runs and is tested on Linux");
        var target = Path.Combine(_scratch, "kernel.dcm");

        var copied = Rewrite(CtFile(), f => { f.Save(target, DicomTransferSyntax.ExplicitVRLittleEndian); return 0; });

        using var original = DicomFile.Open(CtFile());
        Assert.Equal(Pixels(original).Length, copied);
        Assert.True(copied > 1024);
        Assert.Equal(Expected(CtFile()), File.ReadAllBytes(target));
    }

    [Fact]
    public void With_the_kernel_copy_switched_off_the_same_bytes_go_through_user_memory()
    {
        var target = Path.Combine(_scratch, "user.dcm");
        FileRangeCopy.DisabledOnThisThread = true;
        try
        {
            var copied = Rewrite(CtFile(), f => { f.Save(target, DicomTransferSyntax.ExplicitVRLittleEndian); return 0; });
            Assert.Equal(0, copied);
        }
        finally
        {
            FileRangeCopy.DisabledOnThisThread = false;
        }

        Assert.Equal(Expected(CtFile()), File.ReadAllBytes(target));
    }

    [Fact]
    public void Files_on_two_file_systems_fall_back_to_a_copy_through_user_memory()
    {
        // /dev/shm is a tmpfs, the scratch folder is on the disk: copy_file_range refuses with EXDEV (Linux >= 5.19).
        Assert.True(Directory.Exists("/dev/shm"), "this test needs the /dev/shm tmpfs (Debian has it)");
        var input = Path.Combine("/dev/shm", "telerad-kernel-copy-" + Guid.NewGuid().ToString("N") + ".dcm");
        File.Copy(CtFile(), input);
        try
        {
            var target = Path.Combine(_scratch, "cross.dcm");
            var copied = Rewrite(input, f => { f.Save(target, DicomTransferSyntax.ExplicitVRLittleEndian); return 0; });

            Assert.Equal(0, copied);
            Assert.Equal(Expected(input), File.ReadAllBytes(target));

            // A refusal concerns those two files only: the next copy on one file system is made in the kernel again.
            var next = Path.Combine(_scratch, "after-cross.dcm");
            Assert.True(Rewrite(CtFile(), f => { f.Save(next, DicomTransferSyntax.ExplicitVRLittleEndian); return 0; }) > 0);
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Fact]
    public void A_destination_that_is_not_a_file_or_a_byte_swapping_syntax_copies_through_user_memory()
    {
        var pipeLike = new MemoryStream();
        Assert.Equal(0, Rewrite(CtFile(), f => { f.Save(pipeLike, DicomTransferSyntax.ExplicitVRLittleEndian); return 0; }));
        Assert.Equal(Expected(CtFile()), pipeLike.ToArray());

        var bigEndian = Path.Combine(_scratch, "big.dcm");
        Assert.Equal(0, Rewrite(CtFile(), f => { f.Save(bigEndian, DicomTransferSyntax.ExplicitVRBigEndian); return 0; }));
        using var reread = DicomFile.Open(bigEndian);
        using var original = DicomFile.Open(CtFile());
        Assert.Equal(Pixels(original).GetMemory().ToArray(), Pixels(reread).GetMemory().ToArray());
    }

    private static DicomValue Pixels(DicomFile file)
    {
        Assert.True(file.Dataset.TryGetElement(DicomTags.PixelData, out var pixels));
        return pixels.Value;
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
