using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Telerad.Samples;

namespace Telerad.Cli;

/// <summary>`telerad samples generate DIR [--seed N] [--size small|full] [--force]`: synthetic studies with fake identifiers.</summary>
internal static class SamplesCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("dir") { Description = "Folder to write the studies to (one sub-folder per study); created if missing." };
        var seed = new Option<long>("--seed") { Description = "Seed: the same seed writes byte-identical files.", DefaultValueFactory = _ => 1 };
        var size = new Option<string>("--size") { Description = "small (CT 256x256x40, about 14 MB in all) or full (CT 512x512x80, about 100 MB).", DefaultValueFactory = _ => "small" };
        size.AcceptOnlyFromAmong("small", "full");
        var force = new Option<bool>("--force") { Description = "Write into a folder that is not empty, replacing the sample studies' own files there." };
        var generate = new Command("generate", "Write the sample studies: ct-head-lesion, ct-head-normal, chest-cr, mr-brain.") { directory, seed, size, force };
        generate.SetAction(result => Generate(result.GetValue(directory)!, result.GetValue(seed), result.GetValue(size)!, result.GetValue(force)));
        return new Command("samples", "Synthetic sample studies for demos and tests (fake identifiers, not patient data).") { generate };
    }

    private static int Generate(string directory, long seed, string size, bool force)
    {
        IReadOnlyList<GeneratedSampleStudy> studies;
        var clock = Stopwatch.StartNew();
        try
        {
            studies = SampleStudyGenerator.Generate(directory, new SampleOptions { Seed = seed, Dimensions = SampleDimensions.For(size == "full" ? SampleSize.Full : SampleSize.Small), Overwrite = force });
        }
        catch (SampleDirectoryNotEmptyException ex)
        {
            Console.Error.WriteLine($"telerad samples: {ex.Message} Use --force to replace the sample studies in it (other files are left alone).");
            return 2;
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"telerad samples: {ex.Message}");
            return 2;
        }
        catch (UnauthorizedAccessException ex)
        {
            Console.Error.WriteLine($"telerad samples: {ex.Message}");
            return 2;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Study")
            .AddColumn("Modality")
            .AddColumn(new TableColumn("Instances").RightAligned())
            .AddColumn(new TableColumn("Size").RightAligned())
            .AddColumn("Expected finding");
        foreach (var study in studies)
        {
            var descriptor = study.Descriptor;
            table.AddRow(
                Markup.Escape(descriptor.Folder),
                Markup.Escape(descriptor.Modality),
                descriptor.Instances.ToString(CultureInfo.InvariantCulture),
                Megabytes(study.Bytes),
                Markup.Escape(descriptor.ExpectedFinding));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape(FormattableString.Invariant(
            $"{studies.Sum(s => s.Descriptor.Instances)} instances, {Megabytes(studies.Sum(s => s.Bytes))} in {Path.GetFullPath(directory)} (seed {seed}, {clock.Elapsed.TotalSeconds:0.00} s)")));
        return 0;
    }

    private static string Megabytes(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
}
