using System.CommandLine;

namespace Telerad.Cli;

/// <summary>The `telerad` command tree; each verb lives in its own class.</summary>
internal static class TeleradCommand
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Telerad: teleradiology pipeline tools (DICOM inspection, de-identification, upload, demo).");
        root.Subcommands.Add(DumpCommand.Create());
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(DeidentifyCommand.Create());
        root.Subcommands.Add(SamplesCommand.Create());
        root.Subcommands.Add(UploadCommand.Create());
        root.Subcommands.Add(TriageCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        return root;
    }
}
