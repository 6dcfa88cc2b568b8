using System.Diagnostics;
using System.Globalization;

namespace Telerad.Benchmarks.Reading;

/// <summary>
/// What else the machine was doing during a run: the 1-minute load average before and after (other builds on a shared
/// 2-core machine move the numbers), this process's CPU time and, for the local engine, Azurite's, so a result can be
/// read as "CPU per study" too.
/// </summary>
internal sealed record MachineLoad(double LoadBefore, double LoadAfter, double CpuMilliseconds, double HelperCpuMilliseconds, double WallSeconds)
{
    /// <param name="helpers">Other processes whose CPU time counts (Azurite's), if any.</param>
    public static Running Start(IReadOnlyList<int>? helpers = null) => new(LoadAverage(), Process.GetCurrentProcess().TotalProcessorTime, helpers ?? [], ProcessCpu(helpers ?? []), Stopwatch.StartNew());

    public string Describe(int studies)
    {
        var slots = Environment.GetEnvironmentVariable("DOTNET_PROCESSOR_COUNT") is { } n ? $"DOTNET_PROCESSOR_COUNT={n}, " : string.Empty;
        var helper = HelperCpuMilliseconds > 0 ? string.Create(CultureInfo.InvariantCulture, $"; Azurite used {HelperCpuMilliseconds / 1000:0.0} s CPU ({HelperCpuMilliseconds / 10 / WallSeconds:0}% of one core, {HelperCpuMilliseconds / studies:0.00} ms per study)") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"machine: {Environment.ProcessorCount} cores as .NET sees them ({slots}{RealCores()} real), load average {LoadBefore:0.00} before, {LoadAfter:0.00} after; " +
            $"this process used {CpuMilliseconds / 1000:0.0} s CPU in {WallSeconds:0.0} s ({CpuMilliseconds / 10 / WallSeconds:0}% of one core, {CpuMilliseconds / studies:0.00} ms per study){helper}");
    }

    /// <summary>The 1-minute load average from /proc/loadavg (NaN where there is none).</summary>
    public static double LoadAverage() =>
        ReadProc("/proc/loadavg") is { } line ? double.Parse(line.Split(' ')[0], CultureInfo.InvariantCulture) : double.NaN;

    /// <summary>
    /// User + system CPU of processes and their children (Azurite runs as node under a small /bin/sh that forwards SIGTERM)
    /// from /proc/{pid}/stat: fields 14 and 15, in clock ticks of 10 ms; 0 if unknown.
    /// </summary>
    private static double ProcessCpu(IReadOnlyList<int> pids)
    {
        if (pids.Count == 0 || !Directory.Exists("/proc"))
        {
            return 0;
        }

        var wanted = pids.Select(p => p.ToString(CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);

        double total = 0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), CultureInfo.InvariantCulture, out _) && ReadProc(Path.Combine(folder, "stat")) is { } stat)
            {
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": index 0 is field 3
                if (wanted.Contains(Path.GetFileName(folder)) || wanted.Contains(fields[1]))
                {
                    total += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
                }
            }
        }

        return total;
    }

    private static int RealCores() => ReadProc("/proc/cpuinfo")?.Split('\n').Count(l => l.StartsWith("processor", StringComparison.Ordinal)) ?? Environment.ProcessorCount;

    private static string? ReadProc(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public sealed class Running(double loadBefore, TimeSpan cpuBefore, IReadOnlyList<int> helpers, double helperBefore, Stopwatch wall)
    {
        public MachineLoad Stop() => new(
            loadBefore,
            LoadAverage(),
            (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds,
            ProcessCpu(helpers) - helperBefore,
            wall.Elapsed.TotalSeconds);
    }
}
