using System.CommandLine;
using System.Globalization;
using System.Text;
using Spectre.Console;
using Telerad.Triage;

namespace Telerad.Cli;

/// <summary>
/// `telerad triage PATH [--model ID[/VERSION]] [--models DIR] [--json] [--threads N]`: runs the installed triage models on a
/// study folder and prints each finding with its score, threshold and whether it is flagged. Exit codes: 0 analysed,
/// 1 not analysed (the reason is printed), 2 usage or model errors.
/// </summary>
internal static class TriageCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A study folder (searched recursively) or one file." };
        var model = new Option<string?>("--model") { Description = "Run only this model id (its newest version), or one version of it: ID/VERSION." };
        var models = new Option<string?>("--models") { Description = "Model folder ({id}/{version}/manifest.json). Default: $TELERAD_MODELS, else the models shipped with telerad." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime threads per inference (0: one per core).", DefaultValueFactory = _ => 0 };
        var command = new Command("triage", "Run AI triage on a study: flag critical findings (synthetic demonstration model; not for clinical use).")
        {
            path, model, models, json, threads,
        };
        command.SetAction(async (result, cancellationToken) => await RunAsync(
            result.GetValue(path)!, result.GetValue(model), result.GetValue(models), result.GetValue(json), result.GetValue(threads), cancellationToken));
        return command;
    }

    /// <summary>$TELERAD_MODELS, else the models copied next to the executable at build time.</summary>
    public static string DefaultModelFolder() =>
        Environment.GetEnvironmentVariable("TELERAD_MODELS") is { Length: > 0 } configured ? configured : Path.Combine(AppContext.BaseDirectory, "models");

    private static async Task<int> RunAsync(string path, string? modelId, string? modelFolder, bool json, int threads, CancellationToken cancellationToken)
    {
        var files = File.Exists(path) ? [path]
            : Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".json", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList()
            : null;
        if (files is null)
        {
            Console.Error.WriteLine($"telerad triage: no file or folder at {path}");
            return 2;
        }

        if (threads < 0)
        {
            Console.Error.WriteLine("telerad triage: --threads must be 0 or more");
            return 2;
        }

        var folder = modelFolder ?? DefaultModelFolder();
        if (!Directory.Exists(folder))
        {
            Console.Error.WriteLine($"telerad triage: no model folder at {folder} (give one with --models or TELERAD_MODELS)");
            return 2;
        }

        var options = new TriageOptions { IntraOpThreads = threads };
        using var loader = new ModelLoader(new FolderModelStore(folder), options);
        TriageResult result;
        try
        {
            result = await new TriageEngine(loader, options).AnalyseAsync([.. files.Select(TriageSource.FromFile)], modelId, cancellationToken);
        }
        catch (Exception e) when (e is ArgumentException or DirectoryNotFoundException)
        {
            Console.Error.WriteLine($"telerad triage: {e.Message}");
            return 2;
        }

        if (json)
        {
            Console.Out.WriteLine(Encoding.UTF8.GetString(TriageResultJson.Serialize(result)));
        }
        else
        {
            Render(result);
        }

        return result.Status == TriageResult.AnalysedStatus ? 0 : 1;
    }

    private static void Render(TriageResult result)
    {
        if (result.Status != TriageResult.AnalysedStatus)
        {
            AnsiConsole.MarkupLine($"[yellow]Not analysed:[/] {Markup.Escape(result.Reason ?? string.Empty)}");
            AnsiConsole.MarkupLine("The study continues as routine.");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Model").AddColumn("Finding").AddColumn(new TableColumn("Score").RightAligned()).AddColumn(new TableColumn("Threshold").RightAligned())
            .AddColumn("Flagged").AddColumn("Critical").AddColumn(new TableColumn("Slices").RightAligned()).AddColumn("Highest at");
        foreach (var analysis in result.Analyses)
        {
            foreach (var finding in analysis.Findings)
            {
                table.AddRow(
                    new Text($"{analysis.ModelId} {analysis.ModelVersion}"),
                    new Text(finding.Label),
                    new Text(finding.Score.ToString("0.000", CultureInfo.InvariantCulture)),
                    new Text(finding.Threshold.ToString("0.000", CultureInfo.InvariantCulture)),
                    new Markup(finding.Flagged ? "[bold red]FLAGGED[/]" : "no"),
                    new Text(finding.Critical ? "yes" : "no"),
                    new Text(analysis.SlicesAnalysed.ToString(CultureInfo.InvariantCulture)),
                    new Text(finding.MaxSliceInstanceNumber is { } n ? $"instance {n}" : $"slice {finding.MaxSliceIndex + 1}"));
            }
        }

        AnsiConsole.Write(table);
        foreach (var skipped in result.SkippedSeries)
        {
            AnsiConsole.MarkupLine($"[grey]Series skipped: {Markup.Escape(skipped.Reason)}[/]");
        }

        foreach (var disclaimer in result.Analyses.Select(a => a.Disclaimer).Distinct(StringComparer.Ordinal))
        {
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(disclaimer)}[/]");
        }

        AnsiConsole.MarkupLine($"[grey]{result.ElapsedMs} ms ({string.Join(", ", result.Analyses.Select(a => $"{a.SlicesAnalysed} slices: preprocessing {a.PreprocessMs} ms, inference {a.InferenceMs} ms"))})[/]");
    }
}
