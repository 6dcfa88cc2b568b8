using System.Text.Json;
using Telerad.Dicom.Tests;

namespace Telerad.Cli.Tests;

public class InspectCommandTests
{
    [Fact]
    public void Inspect_groups_the_synthetic_study_and_reports_every_bad_file()
    {
        var folder = TestData.NewScratchDirectory("inspect");
        var ele = TestData.CtStudy("ele");
        var rle = TestData.CtStudy("rle");
        foreach (var file in Directory.EnumerateFiles(ele).Take(5))
        {
            File.Copy(file, Path.Combine(folder, "ele-" + Path.GetFileName(file)));
        }

        foreach (var file in Directory.EnumerateFiles(rle).Take(3))
        {
            File.Copy(file, Path.Combine(folder, "rle-" + Path.GetFileName(file)));
        }

        Directory.CreateDirectory(Path.Combine(folder, "nested"));
        File.WriteAllText(Path.Combine(folder, "nested", "notes.txt"), "not DICOM");
        var truncated = File.ReadAllBytes(Directory.EnumerateFiles(ele).First());
        File.WriteAllBytes(Path.Combine(folder, "nested", "cut.dcm"), truncated[..(truncated.Length / 2)]);

        var result = TeleradProcess.Run("inspect", folder, "--json");
        Assert.Equal(1, result.ExitCode); // some files are not readable

        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        Assert.Equal(10, root.GetProperty("filesScanned").GetInt32());
        var failures = root.GetProperty("failures").EnumerateArray().Select(f => Path.GetFileName(f.GetProperty("path").GetString())).Order().ToList();
        Assert.Equal(["cut.dcm", "notes.txt"], failures);

        // The study and series UIDs as dcmtk reads them from one of the files.
        var listing = DcmdumpListing.Read(Directory.EnumerateFiles(ele).First());
        string Uid(Dicom.DicomTag tag) => listing.Dataset.First(l => l.Tag == tag).Value.Trim('[', ']');
        var study = Assert.Single(root.GetProperty("studies").EnumerateArray());
        Assert.Equal(Uid(Dicom.DicomTags.StudyInstanceUID), study.GetProperty("studyInstanceUid").GetString());
        var series = Assert.Single(study.GetProperty("series").EnumerateArray());
        Assert.Equal(Uid(Dicom.DicomTags.SeriesInstanceUID), series.GetProperty("seriesInstanceUid").GetString());
        Assert.Equal(8, series.GetProperty("instances").GetArrayLength());
        Assert.Equal(
            ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2.5"],
            series.GetProperty("transferSyntaxUids").EnumerateArray().Select(e => e.GetString()).ToList());
        Assert.Equal(3, series.GetProperty("duplicateInstances").GetInt32()); // the RLE copies repeat three SOP instances
    }

    [Fact]
    public void Inspect_of_a_missing_path_is_a_clear_error()
    {
        var result = TeleradProcess.Run("inspect", "/no/such/folder");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no file or folder", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_lists_elements_like_dcmdump_and_reports_broken_files()
    {
        var file = Path.Combine(TestData.PydicomTestFiles, "rtplan.dcm");
        var result = TeleradProcess.Run("dump", file);
        Assert.Equal(0, result.ExitCode);
        foreach (var line in DcmdumpListing.Read(file).Dataset.Where(l => l.Depth == 0))
        {
            Assert.Contains(line.Tag.ToString(), result.StandardOutput, StringComparison.Ordinal);
        }

        var broken = TeleradProcess.Run("dump", Path.Combine(TestData.PydicomTestFiles, "rtplan_truncated.dcm"));
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("at byte", broken.StandardError, StringComparison.Ordinal);
    }
}
