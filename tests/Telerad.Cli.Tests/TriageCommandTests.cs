using System.Text.Json;
using Telerad.Dicom.Tests;
using Telerad.Samples;

namespace Telerad.Cli.Tests;

/// <summary>`telerad triage` with the models shipped next to the command (the reference model), as a user runs it.</summary>
public class TriageCommandTests
{
    private static IReadOnlyList<GeneratedSampleStudy> Samples() =>
        SampleStudyGenerator.Generate(TestData.NewScratchDirectory("cli-triage"), new SampleOptions());

    [Fact]
    public void Json_output_says_flagged_true_for_the_lesion_and_false_for_the_normal_head()
    {
        var samples = Samples();
        var lesion = TeleradProcess.Run("triage", samples.Single(s => s.Descriptor.Folder == "ct-head-lesion").Directory, "--json");
        var normal = TeleradProcess.Run("triage", samples.Single(s => s.Descriptor.Folder == "ct-head-normal").Directory, "--json");

        Assert.True(lesion.ExitCode == 0, lesion.StandardError);
        Assert.Equal(0, normal.ExitCode);
        Assert.True(Finding(lesion.StandardOutput).GetProperty("flagged").GetBoolean());
        Assert.False(Finding(normal.StandardOutput).GetProperty("flagged").GetBoolean());
        Assert.Contains("\"flagged\": true", lesion.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_names_the_finding_and_a_study_no_model_fits_is_not_analysed()
    {
        var samples = Samples();
        var table = TeleradProcess.Run("triage", samples.Single(s => s.Descriptor.Folder == "ct-head-lesion").Directory);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("FLAGGED", table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("not for clinical use", table.StandardOutput, StringComparison.OrdinalIgnoreCase);

        var mr = TeleradProcess.Run("triage", samples.Single(s => s.Descriptor.Modality == "MR").Directory);
        Assert.Equal(1, mr.ExitCode);
        Assert.Contains("Not analysed", mr.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("modality MR is not CT", string.Join(' ', mr.StandardOutput.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal); // the console wraps long lines
    }

    [Fact]
    public void Usage_errors_exit_2()
    {
        Assert.Equal(2, TeleradProcess.Run("triage", "/no/such/folder").ExitCode);
        var samples = Samples();
        var unknown = TeleradProcess.Run("triage", samples[0].Directory, "--model", "no-such-model");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("No model no-such-model is installed", unknown.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, TeleradProcess.Run("triage", samples[0].Directory, "--models", "/no/such/models").ExitCode);
    }

    private static JsonElement Finding(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("analyses")[0].GetProperty("findings")[0];
}
