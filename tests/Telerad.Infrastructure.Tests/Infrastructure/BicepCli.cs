using System.Diagnostics;
using System.Reflection;

namespace Telerad.Infrastructure.Tests;

/// <summary>The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 NuGet package (its path is baked in at build time).</summary>
internal static class BicepCli
{
    public static string Path { get; } = Locate();

    /// <summary>
    /// The values the repository's parameter files require from the environment (azd's variables, no default: a
    /// deployment without them fails at compile time), fixed for the tests; all-options.bicepparam sets its own.
    /// </summary>
    public static IReadOnlyDictionary<string, string> RequiredEnvironment { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["TELERAD_ENTRA_CLIENT_ID"] = "55555555-5555-5555-5555-555555555555",
        ["TELERAD_VIEWER_URL_TEMPLATE"] = "https://viewer.test.example.org/viewer?StudyInstanceUIDs={studyUid}&token={token}",
    };

    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        /// <summary>Every diagnostic line (warnings and errors: "file(line,col) : Warning|Error code: message").</summary>
        public IReadOnlyList<string> Diagnostics =>
            StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(line => line.Contains(" : Warning ", StringComparison.Ordinal) || line.Contains(" : Error ", StringComparison.Ordinal))
                .ToList();

        public override string ToString() => $"exit {ExitCode}\n{StandardError}";
    }

    public static Result Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Deterministic: main.bicepparam reads azd's variables, which must not leak in from the machine running the tests.
        foreach (var variable in start.Environment.Keys.Where(k => k.StartsWith("AZURE_", StringComparison.Ordinal) || k.StartsWith("TELERAD_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(variable);
        }

        foreach (var (variable, value) in RequiredEnvironment)
        {
            start.Environment[variable] = value;
        }

        // Offline and quiet: no telemetry.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Path}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in 3 minutes.");
        }

        return new Result(process.ExitCode, output.Result, error.Result);
    }

    private static string Locate()
    {
        var configured = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "BicepPath")?.Value;
        if (string.IsNullOrEmpty(configured))
        {
            throw new InvalidOperationException("BicepPath is not set: the project must reference Azure.Bicep.CommandLine.linux-x64 with IncludeAssets=\"build\".");
        }

        // The package's props join folders with '\'.
        var path = configured.Replace('\\', '/');
        return File.Exists(path) ? path : throw new FileNotFoundException($"The Bicep CLI is not at {path}: restore the test project.", path);
    }
}
