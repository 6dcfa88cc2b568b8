using Telerad.Dicom.Tests;

namespace Telerad.Deidentification.Tests.Files;

/// <summary>
/// Output files appear under their name only when complete: unnamed (O_TMPFILE) files on Linux, ".partial-*"
/// files renamed into place elsewhere. Every test runs both ways.
/// </summary>
public sealed class PendingOutputFileTests : IDisposable
{
    private readonly string _dir = TestData.NewScratchDirectory("pending-output");

    public static TheoryData<bool> BothWays => [true, false];

    private string Target => Path.Combine(_dir, "2.25.1.dcm");

    private static readonly byte[] Content = [.. Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7))];

    [Fact]
    public void On_this_Linux_file_system_the_file_starts_unnamed()
    {
        Assert.True(OperatingSystem.IsLinux(), "Telerad runs and is tested on Linux");
        using var pending = PendingOutputFile.Create(Target);
        Assert.True(pending.IsUnnamed);
        using var forcedNamed = PendingOutputFile.Create(Target, allowUnnamed: false);
        Assert.False(forcedNamed.IsUnnamed);
    }

    [Theory]
    [MemberData(nameof(BothWays))]
    public void Nothing_has_the_name_until_publish_and_then_only_the_complete_file(bool unnamed)
    {
        using (var pending = PendingOutputFile.Create(Target, unnamed))
        {
            pending.Stream.Write(Content);
            Assert.False(File.Exists(Target));
            Assert.Equal(unnamed ? 0 : 1, Directory.GetFiles(_dir).Length); // unnamed: not in the folder at all

            pending.Publish();
        }

        Assert.Equal(Content, File.ReadAllBytes(Target));
        Assert.Equal([Target], Directory.GetFiles(_dir));
        Assert.Equal(Convert.ToString(0x1B6 & ~Umask(), 8), Planted(Target)); // the mode FileStream gives a new file
    }

    [Theory]
    [MemberData(nameof(BothWays))]
    public void A_file_not_published_leaves_nothing_behind(bool unnamed)
    {
        using (var pending = PendingOutputFile.Create(Target, unnamed))
        {
            pending.Stream.Write(Content);
        }

        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Theory]
    [MemberData(nameof(BothWays))]
    public void Publishing_replaces_a_file_of_the_same_name_from_an_earlier_run(bool unnamed)
    {
        File.WriteAllText(Target, "an earlier output");
        using (var pending = PendingOutputFile.Create(Target, unnamed))
        {
            pending.Stream.Write(Content);
            pending.Publish();
        }

        Assert.Equal(Content, File.ReadAllBytes(Target));
        Assert.Equal([Target], Directory.GetFiles(_dir));
    }

    [Theory]
    [MemberData(nameof(BothWays))]
    public void A_file_kept_aside_gets_a_temporary_name_beside_the_target_and_belongs_to_the_caller(bool unnamed)
    {
        string kept;
        using (var pending = PendingOutputFile.Create(Target, unnamed))
        {
            pending.Stream.Write(Content);
            kept = pending.KeepAsTemporaryFile();
        }

        Assert.StartsWith(Target + ".partial-", kept, StringComparison.Ordinal);
        Assert.Equal(Content, File.ReadAllBytes(kept)); // disposing did not discard it
        Assert.False(File.Exists(Target));
    }

    private static int Umask()
    {
        var result = ExternalTool.Run("/bin/sh", ["-c", "umask"]);
        return Convert.ToInt32(result.StandardOutput.Trim(), 8);
    }

    private static string Planted(string path) => Telerad.Deidentification.Tests.Reidentification.Planted.PermissionsOf(path);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
