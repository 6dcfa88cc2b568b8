using System.Security.Cryptography;
using System.Text.Json;
using Telerad.Auditing;
using Telerad.Deidentification;
using Telerad.Dicom;
using Telerad.Dicom.Tests;

namespace Telerad.Cli.Tests;

/// <summary>`telerad deidentify` as a user runs it: separate processes, a real key file, a folder tree.</summary>
public class DeidentifyCommandTests
{
    private static string CopyInputs(string scratch)
    {
        var input = Path.Combine(scratch, "in");
        Directory.CreateDirectory(Path.Combine(input, "nested"));
        foreach (var file in Directory.EnumerateFiles(TestData.CtStudy("ele")).Order().Take(4))
        {
            File.Copy(file, Path.Combine(input, Path.GetFileName(file)));
        }

        File.Copy(Directory.EnumerateFiles(TestData.CtStudy("jpll")).Order().Skip(6).First(), Path.Combine(input, "nested", "jpll-0007.dcm")); // the copies share UIDs: take a slice the ele files do not have
        File.Copy(Path.Combine(TestData.PydicomTestFiles, "ExplVR_BigEnd.dcm"), Path.Combine(input, "nested", "ultrasound.dcm")); // US: quarantined
        File.WriteAllText(Path.Combine(input, "nested", "notes.txt"), "not DICOM");
        return input;
    }

    private static Dictionary<string, string> Hashes(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void Two_processes_with_one_key_file_write_identical_files_and_report_every_input()
    {
        var scratch = TestData.NewScratchDirectory("cli-deid");
        var input = CopyInputs(scratch);
        var before = Hashes(input);
        var keyFile = Path.Combine(scratch, "keys", "keys.json");
        var report = Path.Combine(scratch, "report.json");

        var first = TeleradProcess.Run("deidentify", "--input", input, "--output", Path.Combine(scratch, "out1"), "--key-file", keyFile, "--tenant", "hospital-a", "--report", report, "--map-dir", Path.Combine(scratch, "map"));
        Assert.Equal(1, first.ExitCode); // notes.txt failed
        Assert.Contains("created key file " + keyFile, first.StandardError, StringComparison.Ordinal);
        var second = TeleradProcess.Run("deidentify", "--input", input, "--output", Path.Combine(scratch, "out2"), "--key-file", keyFile, "--tenant", "hospital-a");
        Assert.DoesNotContain("created key file", second.StandardError, StringComparison.Ordinal);

        Assert.Equal(before, Hashes(input)); // inputs untouched
        var out1 = Hashes(Path.Combine(scratch, "out1"));
        Assert.Equal(5, out1.Count);
        Assert.Equal(out1, Hashes(Path.Combine(scratch, "out2")));
        Assert.All(out1.Keys, name => Assert.Matches(@"^2\.25\.\d+\.dcm$", name));

        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var files = json.RootElement.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("input").GetString()!, f => f);
        Assert.Equal(7, files.Count);
        Assert.Equal("quarantined", files[Path.Combine("nested", "ultrasound.dcm")].GetProperty("outcome").GetString());
        Assert.Equal(QuarantineReason.BurnedInAnnotationRisk, files[Path.Combine("nested", "ultrasound.dcm")].GetProperty("quarantineCode").GetString());
        Assert.Equal("failed", files[Path.Combine("nested", "notes.txt")].GetProperty("outcome").GetString());
        Assert.Equal(5, files.Values.Count(f => f.GetProperty("outcome").GetString() == "deidentified"));
        Assert.True(files.Values.First(f => f.GetProperty("outcome").GetString() == "deidentified").GetProperty("actions").GetProperty("U").GetInt32() > 0);

        // Another tenant's keys give other UIDs.
        var third = TeleradProcess.Run("deidentify", "--input", input, "--output", Path.Combine(scratch, "out3"), "--key-file", keyFile, "--tenant", "hospital-b");
        Assert.Empty(Hashes(Path.Combine(scratch, "out3")).Keys.Intersect(out1.Keys));
        Assert.Equal(1, third.ExitCode);
    }

    [Fact]
    public async Task The_map_directory_holds_the_encrypted_originals_for_audited_reidentification()
    {
        var scratch = TestData.NewScratchDirectory("cli-map");
        var input = Path.Combine(scratch, "in");
        Directory.CreateDirectory(input);
        var source = Directory.EnumerateFiles(TestData.CtStudy("ele")).Order().First();
        File.Copy(source, Path.Combine(input, "a.dcm"));
        var keyFile = Path.Combine(scratch, "keys.json");
        var map = Path.Combine(scratch, "map");
        var result = TeleradProcess.Run("deidentify", "-i", input, "-o", Path.Combine(scratch, "out"), "--key-file", keyFile, "--map-dir", map);
        Assert.Equal(0, result.ExitCode);

        using var output = DicomFile.Open(Directory.EnumerateFiles(Path.Combine(scratch, "out")).Single());
        using var original = DicomFile.Open(source);
        var keys = new LocalKeyFile(keyFile);
        using var audit = new JsonLinesAuditLog(Path.Combine(map, "audit.jsonl"));
        var store = new FileReidentificationStore(map, keys, audit);
        var entry = await store.GetAsync("local", output.Dataset.GetUid(DicomTags.StudyInstanceUID)!, "test-runner", "verify-cli");
        Assert.NotNull(entry);
        Assert.Equal(original.Dataset.GetUid(DicomTags.StudyInstanceUID), entry.OriginalStudyInstanceUid);
        Assert.Equal(original.Dataset.GetString(DicomTags.PatientID), entry.PatientId);
        var mapBytes = File.ReadAllBytes(Directory.EnumerateFiles(map, "*.trid", SearchOption.AllDirectories).Single());
        Assert.Equal(-1, mapBytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(original.Dataset.GetString(DicomTags.PatientID)!)));
        Assert.Contains("verify-cli", File.ReadAllText(Path.Combine(map, "audit.jsonl")), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_arguments_are_clear_errors()
    {
        var unknownProfile = TeleradProcess.Run("deidentify", "-i", TestData.PydicomTestFiles, "-o", "/tmp/never", "--profile", "no-such-profile");
        Assert.Equal(2, unknownProfile.ExitCode);
        Assert.Contains("built-in profile", unknownProfile.StandardError, StringComparison.Ordinal);
        var missing = TeleradProcess.Run("deidentify", "-i", "/no/such/input", "-o", "/tmp/never");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no file or folder", missing.StandardError, StringComparison.Ordinal);
    }
}
