using System.Security.Cryptography;
using Telerad.Dicom.Tests;

namespace Telerad.Deidentification.Tests.Files;

/// <summary>
/// A folder run: one output per accepted input named by its new SOP Instance UID, every input in the report, and
/// inputs that share a SOP Instance UID decided by input order (the first in sorted order keeps the name), never
/// by which thread finished first. Runs with unnamed (O_TMPFILE) output files and with ".partial-*" files.
/// </summary>
public sealed class FolderDeidentifierTests : IDisposable
{
    private static readonly byte[] PseudonymKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly byte[] MapKey = [.. Enumerable.Range(101, 32).Select(i => (byte)i)];

    private readonly string _scratch = TestData.NewScratchDirectory("folder-deid");

    public static TheoryData<bool> BothWays => [true, false];

    private static string Slice(string syntax, int number) => Directory.EnumerateFiles(TestData.CtStudy(syntax)).Order().ElementAt(number - 1);

    /// <summary>Four slices; slice 1 again as implicit VR (same output), slices 2 and 3 again as JPEG Lossless (other
    /// output, same SOP Instance UID) — slice 3's JPEG copy sorts first, so it keeps the name — and a text file.</summary>
    private string Inputs()
    {
        var input = Path.Combine(_scratch, "in");
        foreach (var folder in new[] { "0-first", "a", "b", "c", "z" })
        {
            Directory.CreateDirectory(Path.Combine(input, folder));
        }

        for (var n = 1; n <= 4; n++)
        {
            File.Copy(Slice("ele", n), Path.Combine(input, "a", $"{n:0000}.dcm"));
        }

        File.Copy(Slice("eli", 1), Path.Combine(input, "b", "eli-0001.dcm"));
        File.Copy(Slice("jpll", 2), Path.Combine(input, "c", "jpll-0002.dcm"));
        WriteSlowToRead(Slice("jpll", 3), Path.Combine(input, "0-first", "jpll-0003.dcm"));
        File.WriteAllText(Path.Combine(input, "z", "notes.txt"), "not DICOM");
        return input;
    }

    /// <summary>
    /// A copy that takes far longer to read than the other inputs (a private sequence of many items, which
    /// de-identification removes), so that it finishes after later inputs with the same SOP Instance UID.
    /// </summary>
    private static void WriteSlowToRead(string source, string target)
    {
        using var file = DicomFile.Open(source);
        file.Dataset.SetString(new DicomTag(0x00090010u), "TELERAD SLOW", DicomVR.LO);
        file.Dataset.SetSequence(new DicomTag(0x00091001u), Enumerable.Range(0, 200_000).Select(i =>
        {
            var item = new DicomDataset();
            item.SetValues(new DicomTag(0x00091002u), DicomVR.UL, new[] { (uint)i });
            return item;
        }));
        file.Save(target, file.TransferSyntax);
    }

    private static FolderDeidentifier Runner(bool unnamed) =>
        new(new Deidentifier(DeidentificationProfile.Reading, new DeidentificationKeys("tenant-a", PseudonymKey, MapKey))) { UseUnnamedFiles = unnamed };

    private static Dictionary<string, string> Hashes(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Theory]
    [MemberData(nameof(BothWays))]
    public async Task Inputs_sharing_a_SOP_Instance_UID_are_decided_by_input_order(bool unnamed)
    {
        var input = Inputs();
        var before = Hashes(input);
        var output = Path.Combine(_scratch, "out");

        var report = await Runner(unnamed).RunAsync(input, output, "tenant-a", "key-1");

        var byInput = report.Files.ToDictionary(f => f.Input);
        Assert.Equal(8, byInput.Count);
        string Outcome(string path) => byInput[path].Outcome;
        Assert.Equal(DeidentificationReportEntry.Deidentified, Outcome(Path.Combine("0-first", "jpll-0003.dcm")));
        Assert.Equal(DeidentificationReportEntry.FailedOutcome, Outcome(Path.Combine("a", "0003.dcm")));
        Assert.Contains("(0-first/jpll-0003.dcm) has the same SOP Instance UID but different content", byInput[Path.Combine("a", "0003.dcm")].Message, StringComparison.Ordinal);
        Assert.Equal(DeidentificationReportEntry.FailedOutcome, Outcome(Path.Combine("c", "jpll-0002.dcm")));
        Assert.Contains("(a/0002.dcm)", byInput[Path.Combine("c", "jpll-0002.dcm")].Message, StringComparison.Ordinal);
        Assert.Equal(DeidentificationReportEntry.Deidentified, Outcome(Path.Combine("b", "eli-0001.dcm")));
        Assert.Equal("Identical to the output of a/0001.dcm.", byInput[Path.Combine("b", "eli-0001.dcm")].Message);
        Assert.Equal(byInput[Path.Combine("a", "0001.dcm")].Output, byInput[Path.Combine("b", "eli-0001.dcm")].Output);
        Assert.Equal(DeidentificationReportEntry.FailedOutcome, Outcome(Path.Combine("z", "notes.txt")));

        var outputs = Hashes(output);
        Assert.Equal(4, outputs.Count); // slices 1-4, nothing temporary left
        Assert.All(outputs.Keys, name => Assert.Matches(@"^2\.25\.\d+\.dcm$", name));
        Assert.Equal(before, Hashes(input)); // inputs untouched

        // The name of slice 3 holds the JPEG copy's output: the same bytes as de-identifying that file alone.
        var alone = Path.Combine(_scratch, "alone");
        await Runner(unnamed).RunAsync(Path.Combine(input, "0-first", "jpll-0003.dcm"), alone, "tenant-a", "key-1");
        var single = Assert.Single(Hashes(alone));
        Assert.Equal(single.Value, outputs[single.Key]);
    }

    [Fact]
    public async Task Both_ways_of_writing_give_the_same_files_and_report_run_after_run()
    {
        var input = Inputs();
        DeidentificationReport? first = null;
        Dictionary<string, string>? firstFiles = null;
        for (var run = 0; run < 6; run++)
        {
            var output = Path.Combine(_scratch, "out-" + run);
            var report = await Runner(unnamed: run % 2 == 0).RunAsync(input, output, "tenant-a", "key-1");
            var files = Hashes(output);
            first ??= report;
            firstFiles ??= files;
            Assert.Equal(firstFiles, files);
            Assert.Equal(first.Files, report.Files, (x, y) => x.Input == y.Input && x.Outcome == y.Outcome && x.Output == y.Output && x.Message == y.Message
                && x.QuarantineCode == y.QuarantineCode && (x.Actions ?? new Dictionary<string, int>()).OrderBy(p => p.Key).SequenceEqual((y.Actions ?? new Dictionary<string, int>()).OrderBy(p => p.Key)));
        }
    }

    [Theory]
    [MemberData(nameof(BothWays))]
    public async Task An_output_left_by_an_earlier_run_is_replaced(bool unnamed)
    {
        var input = Path.Combine(_scratch, "one");
        Directory.CreateDirectory(input);
        File.Copy(Slice("ele", 1), Path.Combine(input, "0001.dcm"));
        var output = Path.Combine(_scratch, "out");
        var report = await Runner(unnamed).RunAsync(input, output, "tenant-a", "key-1");
        var name = Assert.Single(report.Files).Output!;
        var expected = File.ReadAllBytes(Path.Combine(output, name));
        File.WriteAllText(Path.Combine(output, name), "stale");

        await Runner(unnamed).RunAsync(input, output, "tenant-a", "key-1");

        Assert.Equal(expected, File.ReadAllBytes(Path.Combine(output, name)));
        Assert.Single(Directory.GetFiles(output));
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
