using System.Diagnostics;

namespace Telerad.Local;

/// <summary>
/// Finds the Azurite binary: $TELERAD_AZURITE, else node_modules/.bin/azurite of the repository this runs from
/// (installed by tools/test.sh with `npm ci`). On a fresh clone it runs `npm ci` itself, saying so, when npm is there.
/// </summary>
public static class AzuriteLocator
{
    public const string Variable = "TELERAD_AZURITE";

    public static async Task<string> FindOrInstallAsync(TextWriter messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new LocalStartException($"${Variable} names {configured}, which does not exist. Install Azurite with `npm ci` at the repository root (or `bash tools/test.sh`, which does it) and unset ${Variable}, or point it at an azurite binary.");
        }

        var root = RepositoryRoot()
            ?? throw new LocalStartException($"Azurite was not found: run from the Telerad repository (its node_modules/.bin/azurite), set ${Variable}, or give --storage with a running emulator's connection string.");
        var binary = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (File.Exists(binary))
        {
            return binary;
        }

        await messages.WriteLineAsync($"Azurite (the Azure Storage emulator) is not installed yet: running `npm ci` in {root} (once, about 20 s) ...");
        await RunNpmCiAsync(root, cancellationToken);
        return File.Exists(binary) ? binary : throw new LocalStartException($"`npm ci` ran but {binary} is still missing.");
    }

    /// <summary>The folder holding TeleradFunctions.sln and package.json, above the working directory or this program.</summary>
    public static string? RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TeleradFunctions.sln")) && File.Exists(Path.Combine(dir.FullName, "package.json")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>`npm ci` in the repository (Azurite and the demo's FHIR server are npm packages).</summary>
    internal static async Task RunNpmCiAsync(string root, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("npm") { WorkingDirectory = root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new LocalStartException("npm did not start.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new LocalStartException("npm is not installed: install Node.js and npm (Debian: apt-get install nodejs npm), or run tools/test.sh once.");
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new LocalStartException($"`npm ci` failed (exit code {process.ExitCode}):\n{await output}{await errors}");
            }
        }
    }
}

/// <summary>Telerad.Local could not start; the message says why and what to do.</summary>
public sealed class LocalStartException : Exception
{
    public LocalStartException()
    {
    }

    public LocalStartException(string message)
        : base(message)
    {
    }

    public LocalStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
