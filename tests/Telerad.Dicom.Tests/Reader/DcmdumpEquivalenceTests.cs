using Xunit.Abstractions;

namespace Telerad.Dicom.Tests.Reader;

/// <summary>Every pydicom test file reads exactly as dcmtk reads it, or fails with DicomFormatException if broken on purpose.</summary>
public class DcmdumpEquivalenceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in TestData.PydicomFiles())
        {
            data.Add(Path.GetFileName(Path.GetDirectoryName(file)!) + "/" + Path.GetFileName(file));
        }

        foreach (var file in TestData.PydicomDicomdirFiles())
        {
            data.Add(Path.GetRelativePath(TestData.PydicomRoot, file));
        }

        return data;
    }

    private static string FullPath(string name) => Path.Combine(TestData.PydicomRoot, name);

    [Theory]
    [MemberData(nameof(Files))]
    public void Reads_like_dcmtk(string name)
    {
        var path = FullPath(name);
        if (TestData.DeliberatelyBroken.Contains(Path.GetFileName(path)))
        {
            var error = Assert.Throws<DicomFormatException>(() => DicomFile.Open(path));
            Assert.True(error.Offset >= 0, "the exception carries the byte offset");
            output.WriteLine(error.Message);
            return;
        }

        using var file = DicomFile.Open(path);
        foreach (var warning in file.Warnings)
        {
            output.WriteLine("warning: " + warning);
        }

        var listing = DcmdumpListing.Read(path);
        if (listing.ExitCode != 0 || listing.Dataset.Count == 0)
        {
            // dcmtk cannot read it; we must still give a complete, sane reading (checked against pydicom elsewhere).
            output.WriteLine($"dcmdump failed (exit {listing.ExitCode}): {listing.Errors}");
            Assert.NotEmpty(file.Dataset);
            return;
        }

        var differences = DcmdumpComparer.Compare(listing.Meta, file.FileMetaInformation)
            .Select(d => "meta: " + d)
            .Concat(DcmdumpComparer.Compare(listing.Dataset, file.Dataset))
            .ToList();
        foreach (var difference in differences)
        {
            output.WriteLine(difference);
        }

        Assert.True(differences.Count == 0, $"{differences.Count} differences from dcmdump, first: {differences.FirstOrDefault()}");
    }
}
