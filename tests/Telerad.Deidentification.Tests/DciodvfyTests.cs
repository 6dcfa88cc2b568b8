using Telerad.Dicom.Tests;
using Xunit.Abstractions;

namespace Telerad.Deidentification.Tests;

/// <summary>De-identified output is as valid as its input: dciodvfy finds no error in it that the input did not have.</summary>
public class DciodvfyTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in TestData.PydicomFiles().Where(f => !TestData.DeliberatelyBroken.Contains(Path.GetFileName(f))))
        {
            data.Add(Path.GetRelativePath(TestData.PydicomRoot, file));
        }

        return data;
    }

    [Theory]
    [InlineData("ele")]
    [InlineData("jpll")]
    [InlineData("rle")]
    public void The_deidentified_synthetic_ct_study_has_no_new_dciodvfy_errors(string syntax)
    {
        foreach (var path in Directory.EnumerateFiles(TestData.CtStudy(syntax)).Order().Take(3))
        {
            Check(path);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Deidentified_pydicom_files_have_no_new_dciodvfy_errors(string name) => Check(Path.Combine(TestData.PydicomRoot, name));

    private void Check(string path)
    {
        using var input = DicomFile.Open(path);
        var result = new Deidentifier(DeidentificationProfile.Reading, DeidentificationKeys.Generate("t1")).Deidentify(input.Dataset);
        if (result.Outcome == DeidentificationOutcome.Quarantined)
        {
            output.WriteLine($"quarantined: {result.Quarantine}");
            return;
        }

        var scratch = TestData.NewScratchDirectory("deid-iod");
        try
        {
            var outPath = Path.Combine(scratch, "out.dcm");
            DicomWriter.WriteFile(outPath, result.Dataset!, input.TransferSyntax.IsEncapsulated ? input.TransferSyntax : DicomTransferSyntax.ExplicitVRLittleEndian);
            var baselinePath = path;
            if (input.TransferSyntax.IsDeflated || input.HadNoFileMeta || input.TransferSyntax.IsBigEndian)
            {
                baselinePath = Path.Combine(scratch, "baseline.dcm");
                DicomWriter.WriteFile(baselinePath, input.Dataset, DicomTransferSyntax.ExplicitVRLittleEndian, sourceFileMeta: input.FileMetaInformation);
            }

            var introduced = Dciodvfy.Errors(outPath).Except(Dciodvfy.Errors(baselinePath)).ToList();
            foreach (var error in introduced)
            {
                output.WriteLine(error);
            }

            Assert.True(introduced.Count == 0, $"{introduced.Count} new dciodvfy errors, first: {introduced.FirstOrDefault()}");
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
