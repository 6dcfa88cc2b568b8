using System.Diagnostics;
using System.Text;

namespace Telerad.Dicom.Tests;

/// <summary>Runs an independent reference tool (dcmdump, dciodvfy, dcmdjpeg, python3 + pydicom ...).</summary>
public static class ExternalTool
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static Result Run(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null, Encoding? outputEncoding = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = outputEncoding ?? Encoding.Latin1,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish in time");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>True if the command is on PATH (tests of tools that tools/test.sh installs fail loudly, not skip).</summary>
    public static string Require(string command)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
        {
            var path = Path.Combine(dir, command);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException($"{command} is not installed: run tools/test.sh, which installs the reference tools.");
    }
}
