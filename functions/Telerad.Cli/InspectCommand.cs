using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Telerad.Dicom;

namespace Telerad.Cli;

/// <summary>`telerad inspect PATH [--json]`: studies, series and instances under a folder, with per-file errors.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A folder (searched recursively) or one file." };
        var json = new Option<bool>("--json") { Description = "Print the inventory as JSON." };
        var command = new Command("inspect", "Summarise the DICOM studies, series and instances under a folder.") { path, json };
        command.SetAction(result => Run(result.GetValue(path)!, result.GetValue(json)));
        return command;
    }

    private static int Run(string path, bool json)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            Console.Error.WriteLine($"telerad inspect: no file or folder at {path}");
            return 2;
        }

        var error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        DicomInventory inventory = null!;
        error.Status().Start("Reading headers...", context =>
        {
            inventory = DicomInventoryScanner.Scan(path, new Progress<(int Done, int Total)>(p => context.Status($"Reading headers: {p.Done}/{p.Total}")));
        });

        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(inventory, InventoryJsonContext.Default.DicomInventory));
        }
        else
        {
            Render(inventory, path);
        }

        return inventory.Failures.Count == 0 ? 0 : 1;
    }

    private static void Render(DicomInventory inventory, string root)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Study / Series")
            .AddColumn("Date")
            .AddColumn("Modality")
            .AddColumn(new TableColumn("Instances").RightAligned())
            .AddColumn(new TableColumn("Size").RightAligned())
            .AddColumn("Transfer syntaxes");
        foreach (var study in inventory.Studies)
        {
            table.AddRow(
                new Markup("[bold]" + Markup.Escape(study.StudyInstanceUid) + "[/]"),
                new Text(study.StudyDate ?? string.Empty),
                new Text(string.Join(',', study.Series.Select(s => s.Modality).Distinct())),
                new Text(study.InstanceCount.ToString(CultureInfo.InvariantCulture)),
                new Text(Size(study.TotalSize)),
                new Text(string.Empty));
            foreach (var series in study.Series)
            {
                var label = $"  #{series.SeriesNumber ?? "?"} {series.SeriesDescription ?? string.Empty} ({series.SeriesInstanceUid})";
                var duplicates = series.DuplicateInstances > 0 ? $" [yellow]{series.DuplicateInstances} duplicate SOP instance(s)[/]" : string.Empty;
                table.AddRow(
                    new Markup(Markup.Escape(label) + duplicates),
                    new Text(string.Empty),
                    new Text(series.Modality ?? string.Empty),
                    new Text(series.Instances.Count.ToString(CultureInfo.InvariantCulture)),
                    new Text(Size(series.TotalSize)),
                    new Text(string.Join(", ", series.TransferSyntaxUids.Select(NameOf))));
            }
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "{0} files: {1} studies, {2} instances, [{3}]{4} not readable[/]",
            inventory.FilesScanned, inventory.Studies.Count, inventory.Studies.Sum(s => s.InstanceCount),
            inventory.Failures.Count == 0 ? "green" : "red", inventory.Failures.Count);
        if (inventory.Failures.Count > 0)
        {
            var failures = new Table().Border(TableBorder.Simple).AddColumn("File").AddColumn("Error");
            foreach (var failure in inventory.Failures)
            {
                var shown = Directory.Exists(root) ? Path.GetRelativePath(root, failure.Path) : failure.Path;
                failures.AddRow(Markup.Escape(shown), Markup.Escape(failure.Error ?? string.Empty));
            }

            AnsiConsole.Write(failures);
        }
    }

    private static string NameOf(string uid) =>
        DicomTransferSyntax.IsKnown(uid) ? DicomTransferSyntax.FromUid(uid).Name : uid;

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0 GB", CultureInfo.InvariantCulture),
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0 MB", CultureInfo.InvariantCulture),
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0 KB", CultureInfo.InvariantCulture),
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
