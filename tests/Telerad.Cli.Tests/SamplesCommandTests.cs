using Telerad.Dicom.Tests;
using Telerad.Samples;

namespace Telerad.Cli.Tests;

public class SamplesCommandTests
{
    [Fact]
    public void Samples_generate_writes_the_studies_the_library_writes_and_refuses_a_non_empty_folder_without_force()
    {
        var folder = TestData.NewScratchDirectory("samples-cli");
        var reference = TestData.NewScratchDirectory("samples-cli-reference");
        try
        {
            var result = TeleradProcess.Run("samples", "generate", folder, "--seed", "7");
            Assert.True(result.ExitCode == 0, result.StandardError);
            foreach (var study in SampleStudyGenerator.Folders)
            {
                Assert.Contains(study, result.StandardOutput, StringComparison.Ordinal);
            }

            Assert.Contains("93 instances", result.StandardOutput, StringComparison.Ordinal);

            // The verb is a thin trigger: its files are exactly what the library writes for the same seed.
            SampleStudyGenerator.Generate(reference, new SampleOptions { Seed = 7 });
            var files = Directory.EnumerateFiles(reference, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(reference, f)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(files, Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal));
            foreach (var file in files)
            {
                Assert.True(File.ReadAllBytes(Path.Combine(reference, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(folder, file))), file);
            }

            var refused = TeleradProcess.Run("samples", "generate", folder);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("not empty", refused.StandardError, StringComparison.Ordinal);
            Assert.Contains("--force", refused.StandardError, StringComparison.Ordinal);

            var forced = TeleradProcess.Run("samples", "generate", folder, "--force", "--size", "small");
            Assert.True(forced.ExitCode == 0, forced.StandardError);
            Assert.Equal(1, SampleStudyDescriptor.Load(Path.Combine(folder, "ct-head-lesion", SampleStudyDescriptor.FileName)).Seed);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            Directory.Delete(reference, recursive: true);
        }
    }

    [Fact]
    public void An_unknown_size_is_a_usage_error()
    {
        var folder = TestData.NewScratchDirectory("samples-cli-size");
        try
        {
            var result = TeleradProcess.Run("samples", "generate", folder, "--size", "huge");
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("huge", result.StandardError, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
