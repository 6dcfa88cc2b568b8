using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Telerad.Auditing;
using Telerad.Deidentification;

namespace Telerad.Cli;

/// <summary>
/// `telerad deidentify --input PATH --output DIR [--profile NAME|FILE] [--key-file FILE] [--tenant ID]
/// [--report FILE] [--map-dir DIR]`: de-identifies a file or folder tree; inputs are never changed.
/// </summary>
internal static class DeidentifyCommand
{
    public const string Description = "De-identify DICOM files with a PS3.15 profile and keyed pseudonyms.";

    public static Command Create() => Configure(new Command("deidentify", Description));

    /// <summary>Adds the verb's options and action to <paramref name="command"/>: `telerad deidentify`, or the root of the
    /// standalone natively compiled `telerad-deidentify` (functions/Telerad.Deidentify.Cli), which is the same code.</summary>
    public static Command Configure(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var input = new Option<string>("--input", "-i") { Description = "A DICOM file or a folder (searched recursively).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Folder for the de-identified files (one per accepted input, named by its new SOP Instance UID).", Required = true };
        var profile = new Option<string>("--profile") { Description = "Built-in profile (reading, basic) or a profile JSON file.", DefaultValueFactory = _ => "reading" };
        var keyFile = new Option<string?>("--key-file") { Description = "Key file with the tenant's keys; created on first use. Default: $TELERAD_KEY_FILE or ~/.config/telerad/deidentification-keys.json." };
        var tenant = new Option<string>("--tenant") { Description = "Tenant whose keys are used.", DefaultValueFactory = _ => "local" };
        var report = new Option<string?>("--report") { Description = "Write the JSON report (every input and its outcome) to this file." };
        var mapDirectory = new Option<string?>("--map-dir") { Description = "Save the encrypted re-identification map of each study here (keep it apart from the output)." };
        foreach (var option in new Option[] { input, output, profile, keyFile, tenant, report, mapDirectory })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) => await RunAsync(
            result.GetValue(input)!,
            result.GetValue(output)!,
            result.GetValue(profile)!,
            result.GetValue(keyFile),
            result.GetValue(tenant)!,
            result.GetValue(report),
            result.GetValue(mapDirectory),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string input, string output, string profileName, string? keyFilePath, string tenant, string? reportPath, string? mapDirectory, CancellationToken cancellationToken)
    {
        DeidentificationProfile profile;
        try
        {
            profile = DeidentificationProfileJson.Load(profileName);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"telerad deidentify: {ex.Message}");
            return 2;
        }

        if (!File.Exists(input) && !Directory.Exists(input))
        {
            Console.Error.WriteLine($"telerad deidentify: no file or folder at {input}");
            return 2;
        }

        var keyFile = new LocalKeyFile(keyFilePath ?? LocalKeyFile.DefaultPath());
        var keys = keyFile.GetKeys(tenant);
        if (keyFile.CreatedFile)
        {
            Console.Error.WriteLine($"telerad deidentify: created key file {keyFile.Path} (keep it secret and backed up: it is needed to re-identify reports)");
        }

        IReidentificationStore? store = null;
        JsonLinesAuditLog? audit = null;
        if (mapDirectory is not null)
        {
            audit = new JsonLinesAuditLog(Path.Combine(mapDirectory, "audit.jsonl"));
            store = new FileReidentificationStore(mapDirectory, keyFile, audit);
        }

        try
        {
            var runner = new FolderDeidentifier(new Deidentifier(profile, keys), store);

            // No terminal (scripts, CI, benchmarks): no progress bar, and plain summary lines. Spectre.Console is used in
            // the terminal-only methods alone, so a redirected run does not even load it: its start-up costs more than
            // de-identifying a few hundred files.
            var terminal = !Console.IsErrorRedirected;
            var result = terminal
                ? await RunWithProgressAsync(runner, input, output, tenant, keys.PseudonymKeyId, cancellationToken)
                : await runner.RunAsync(input, output, tenant, keys.PseudonymKeyId, null, cancellationToken);

            if (reportPath is not null)
            {
                await File.WriteAllTextAsync(reportPath, JsonSerializer.Serialize(result, CliJsonContext.Default.DeidentificationReport), cancellationToken);
            }

            if (terminal)
            {
                WriteMarkupSummary(result, profile);
            }
            else
            {
                WritePlainSummary(Console.Error, result, profile);
            }

            return result.Failed == 0 ? 0 : 1;
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"telerad deidentify: {ex.Message}");
            return 2;
        }
        finally
        {
            audit?.Dispose();
        }
    }

    private static IAnsiConsole StandardErrorConsole() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    private static async Task<DeidentificationReport> RunWithProgressAsync(FolderDeidentifier runner, string input, string output, string tenant, string keyId, CancellationToken cancellationToken)
    {
        DeidentificationReport result = null!;
        await StandardErrorConsole().Progress().StartAsync(async context =>
        {
            var task = context.AddTask("De-identifying", maxValue: 1);
            result = await runner.RunAsync(input, output, tenant, keyId, new Progress<(int Done, int Total)>(p =>
            {
                task.MaxValue = p.Total;
                task.Value = p.Done;
            }), cancellationToken);
        });
        return result;
    }

    /// <summary>The summary on a terminal, in colour.</summary>
    private static void WriteMarkupSummary(DeidentificationReport result, DeidentificationProfile profile)
    {
        var console = StandardErrorConsole();
        console.MarkupLine($"{result.Deidentified} de-identified, [yellow]{result.Quarantined} quarantined[/], [{(result.Failed == 0 ? "green" : "red")}]{result.Failed} failed[/] ({result.Files.Count} inputs, profile {Markup.Escape(profile.Name)})");
        foreach (var entry in NotDeidentified(result))
        {
            console.MarkupLine($"  {Markup.Escape(entry.Outcome)}: {Markup.Escape(entry.Input)}: {Markup.Escape(entry.QuarantineCode ?? string.Empty)} {Markup.Escape(entry.Message ?? string.Empty)}");
        }
    }

    /// <summary>The first inputs that were not de-identified, for the summary (the report lists them all).</summary>
    private static IEnumerable<DeidentificationReportEntry> NotDeidentified(DeidentificationReport result) =>
        result.Files.Where(f => f.Outcome != DeidentificationReportEntry.Deidentified).Take(20);

    /// <summary>The summary as a terminal shows it, one line per entry (not wrapped), without colours.</summary>
    private static void WritePlainSummary(TextWriter writer, DeidentificationReport result, DeidentificationProfile profile)
    {
        writer.WriteLine($"{result.Deidentified} de-identified, {result.Quarantined} quarantined, {result.Failed} failed ({result.Files.Count} inputs, profile {profile.Name})");
        foreach (var entry in NotDeidentified(result))
        {
            writer.WriteLine($"  {entry.Outcome}: {entry.Input}: {entry.QuarantineCode} {entry.Message}");
        }
    }
}
