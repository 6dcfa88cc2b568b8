using System.IO.Compression;
using System.Text.RegularExpressions;
using Telerad.Dicom.Tests;

namespace Telerad.Azure.Tests;

/// <summary>
/// A folder as a hospital would upload it: the synthetic CT study (12 slices) split over two subfolders, a text
/// file, and a zip holding pydicom's CT and two MR files (the same MR instance in two encodings) plus a copy of a
/// loose CT slice and a readme. What the manifest must say is worked out with dcmtk's dcmdump and sha256sum, not
/// with Telerad's reader.
/// </summary>
internal static partial class UploadFolder
{
    public const string ZipName = "archive.zip";
    public const string TextName = "notes.txt";

    public static string Create()
    {
        var root = Path.Combine(TestData.NewScratchDirectory("upload"), "study");
        var ct = Directory.EnumerateFiles(TestData.CtStudy("ele")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(12, ct.Count);
        for (var i = 0; i < ct.Count; i++)
        {
            var folder = Path.Combine(root, i < 8 ? "series 1" : "series 2");
            Directory.CreateDirectory(folder);
            File.Copy(ct[i], Path.Combine(folder, Path.GetFileName(ct[i])));
        }

        File.WriteAllText(Path.Combine(root, TextName), "not DICOM");
        using (var zip = ZipFile.Open(Path.Combine(root, ZipName), ZipArchiveMode.Create))
        {
            foreach (var name in ZippedPydicomFiles)
            {
                zip.CreateEntryFromFile(Path.Combine(TestData.PydicomTestFiles, name), "images/" + name);
            }

            zip.CreateEntryFromFile(ct[0], "images/copy-of-0001.dcm");
            zip.CreateEntry("images/").Open().Dispose();
            using var readme = new StreamWriter(zip.CreateEntry("README.txt").Open());
            readme.Write("not DICOM either");
        }

        return root;
    }

    public static readonly string[] ZippedPydicomFiles = ["CT_small.dcm", "MR_small.dcm", "MR_small_RLE.dcm"];

    /// <summary>Every DICOM file of the folder, loose or zipped (the zip's sources), for dcmdump.</summary>
    public static IEnumerable<string> DicomSources(string root) =>
        Directory.EnumerateFiles(root, "*.dcm", SearchOption.AllDirectories)
            .Concat(ZippedPydicomFiles.Select(n => Path.Combine(TestData.PydicomTestFiles, n)));

    /// <summary>Distinct SOP instances per study, read by dcmtk.</summary>
    public static SortedDictionary<string, int> ExpectedStudies(IEnumerable<string> dicomFiles)
    {
        var instances = new HashSet<(string Study, string Sop)>();
        foreach (var file in dicomFiles)
        {
            var dump = ExternalTool.Run(ExternalTool.Require("dcmdump"), ["+P", "StudyInstanceUID", "+P", "SOPInstanceUID", file]);
            Assert.Equal(0, dump.ExitCode);
            var study = Uid().Match(dump.StandardOutput.Split('\n').Single(l => l.Contains("StudyInstanceUID", StringComparison.Ordinal))).Groups[1].Value;
            var sop = Uid().Match(dump.StandardOutput.Split('\n').Single(l => l.Contains("SOPInstanceUID", StringComparison.Ordinal))).Groups[1].Value;
            instances.Add((study, sop));
        }

        return new SortedDictionary<string, int>(instances.GroupBy(i => i.Study).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal);
    }

    /// <summary>SHA-256 of a file by coreutils' sha256sum.</summary>
    public static string Sha256Sum(string file)
    {
        var result = ExternalTool.Run(ExternalTool.Require("sha256sum"), [file]);
        Assert.Equal(0, result.ExitCode);
        return result.StandardOutput.Split(' ')[0];
    }

    /// <summary>Relative '/'-separated name → full path of every file under the folder.</summary>
    public static SortedDictionary<string, string> Files(string root) =>
        new(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'), f => f), StringComparer.Ordinal);

    [GeneratedRegex(@"\[([0-9.]+)\]")]
    private static partial Regex Uid();
}
