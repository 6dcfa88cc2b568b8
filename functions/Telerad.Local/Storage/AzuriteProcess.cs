using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Telerad.Local;

/// <summary>
/// The Azurite that Telerad.Local started and owns: persistent (its data under one folder), on fixed loopback ports,
/// stopped with SIGTERM (so it saves its databases) when Telerad.Local stops. Blob, queue and table run as three
/// processes (azurite-blob, azurite-queue, azurite-table on the same folder) where those binaries exist: Azurite is one
/// Node thread per process, and one process serving the durable engine's queues and tables and the studies' blobs was
/// the pipeline's bottleneck (a core at 99 %). If Telerad.Local dies without stopping them (kill -9), each gets one
/// SIGTERM too: its shell parent (see <see cref="Supervisor"/>) is started through `setpriv --pdeathsig TERM` from a
/// thread that lives as long as the process (the parent-death signal follows the thread that forked). A new Azurite on
/// the same folder waits for the old processes to finish saving (azurite.pid, one process id per line).
/// Flags: ../shared/ENVIRONMENT.md (--skipApiVersionCheck for current SDKs, --disableTelemetry to stay offline).
/// </summary>
public sealed partial class AzuriteProcess : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's fixed, publicly documented development key: it opens nothing but the emulator.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string SetPriv = "/usr/bin/setpriv";
    private const string LogFileName = "azurite.log";
    private const string PidFileName = "azurite.pid";
    private const int SigTerm = 15;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PortWait = TimeSpan.FromSeconds(20);

    private readonly List<(Process Process, ManualResetEventSlim Release)> _children = [];
    private readonly string _log;

    private AzuriteProcess(string log, int blobPort, int queuePort, int tablePort)
    {
        _log = log;
        ConnectionString = ConnectionStringFor(blobPort, queuePort, tablePort);
    }

    public string ConnectionString { get; }

    /// <summary>The supervising shells' process ids (each one's Azurite is its child).</summary>
    public IReadOnlyList<int> ProcessIds => [.. _children.Select(c => c.Process.Id)];

    public static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        string.Create(CultureInfo.InvariantCulture, $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};") +
        string.Create(CultureInfo.InvariantCulture, $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};");

    public static async Task<AzuriteProcess> StartAsync(string binary, string location, int blobPort, int queuePort, int tablePort, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(location);
        int[] ports = [blobPort, queuePort, tablePort];

        // An Azurite of a Telerad.Local that was just killed gets SIGTERM and needs a moment to save and let go of its ports.
        var deadline = DateTime.UtcNow + PortWait;
        while (ports.FirstOrDefault(p => !IsFree(p)) is var busy && busy != 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new LocalStartException($"Port {busy} on 127.0.0.1 is in use, so Azurite cannot start there. Is Telerad.Local (or another Azurite) already running? Stop it, pick other ports (--blob-port, --queue-port, --table-port), or connect to it with --storage.");
            }

            await Task.Delay(250, cancellationToken);
        }

        await WaitForPreviousToExitAsync(location, cancellationToken);
        var log = Path.Combine(location, LogFileName);
        var azurite = new AzuriteProcess(log, blobPort, queuePort, tablePort);
        try
        {
            foreach (var service in Services(binary, blobPort, queuePort, tablePort))
            {
                var release = new ManualResetEventSlim();
                try
                {
                    azurite._children.Add((await LaunchAsync(Arguments(service, location, log), release), release));
                }
                catch
                {
                    release.Dispose();
                    throw;
                }
            }

            await File.WriteAllLinesAsync(Path.Combine(location, PidFileName), azurite.ProcessIds.Select(id => id.ToString(CultureInfo.InvariantCulture)), cancellationToken);
            await azurite.WaitUntilAnsweringAsync(ports, cancellationToken);
            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (process, _) in _children)
        {
            try
            {
                if (!process.HasExited)
                {
                    _ = Kill(process.Id, SigTerm); // the supervisor passes it on as SIGINT; Azurite saves its databases
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var (process, release) in _children)
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            finally
            {
                release.Set();
                process.Dispose();
                release.Dispose();
            }
        }

        try
        {
            File.Delete(Path.Combine(Path.GetDirectoryName(_log)!, PidFileName));
        }
        catch (IOException)
        {
            // The folder is gone: nothing to clean.
        }
    }

    /// <summary>
    /// A small shell parent for Azurite: it passes on exactly one signal, as SIGINT, and waits. SIGINT because it is the
    /// signal every Azurite entry point saves its databases on: azurite-table (3.37) handles SIGINT only, and a SIGTERM
    /// ends it at once, losing up to 5 s of table writes (its autosave interval), which left orchestrations whose
    /// history was lost waiting forever after a restart. With setpriv it is also the process
    /// that gets the parent-death signal. Azurite must not get that signal itself: the kernel sends it again each time
    /// the child is handed to another thread of the dying process, and Azurite's second SIGTERM ends it mid-save.
    /// Output goes to a log file, not to a pipe: after a kill -9 of this process a pipe is broken, and Azurite, writing
    /// "closing..." on its way out, would die of it before saving its databases.
    /// </summary>
    private const string Supervisor =
        "log=$1; shift; \"$@\" >>\"$log\" 2>&1 </dev/null & child=$!; " +
        "trap 'trap \"\" TERM INT; kill -INT $child 2>/dev/null' TERM INT; " +
        "while kill -0 $child 2>/dev/null; do wait $child; done";

    /// <summary>
    /// What to start: azurite-blob, azurite-queue and azurite-table beside <paramref name="binary"/> (npm installs all
    /// four), each on its port; or, where they are not (an azurite named by $TELERAD_AZURITE alone), the one binary.
    /// </summary>
    private static List<List<string>> Services(string binary, int blobPort, int queuePort, int tablePort)
    {
        var c = CultureInfo.InvariantCulture;
        var folder = Path.GetDirectoryName(binary) ?? ".";
        string[] blob = ["--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(c)];
        string[] queue = ["--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(c)];
        string[] table = ["--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(c)];
        var separate = new[] { ("azurite-blob", blob), ("azurite-queue", queue), ("azurite-table", table) }
            .Select(s => (Binary: Path.Combine(folder, s.Item1), Options: s.Item2)).ToList();
        return separate.All(s => File.Exists(s.Binary))
            ? [.. separate.Select(s => (List<string>)[s.Binary, .. s.Options])]
            : [[binary, .. blob, .. queue, .. table]];
    }

    /// <summary>Set to 1: each Azurite service writes its debug log (every request) next to its data.</summary>
    public const string DebugLogVariable = "TELERAD_AZURITE_DEBUG";

    private static List<string> Arguments(List<string> service, string location, string log)
    {
        var arguments = new List<string>();
        if (File.Exists(SetPriv))
        {
            arguments.AddRange([SetPriv, "--pdeathsig", "TERM", "--"]);
        }

        arguments.AddRange(["/bin/sh", "-c", Supervisor, "sh", log, service[0], "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--location", location]);
        arguments.AddRange(service.Skip(1));
        if (Environment.GetEnvironmentVariable(DebugLogVariable) == "1")
        {
            // Diagnosis only (every request with its timing, large and slow): TELERAD_AZURITE_DEBUG=1.
            arguments.AddRange(["--debug", Path.Combine(location, Path.GetFileName(service[0]) + "-debug.log")]);
        }
        return arguments;
    }

    /// <summary>Starts the process from a dedicated thread that stays alive until <paramref name="release"/> is set.</summary>
    private static Task<Process> LaunchAsync(List<string> arguments, ManualResetEventSlim release)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var info = new ProcessStartInfo(arguments[0]) { UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
                foreach (var argument in arguments.Skip(1))
                {
                    info.ArgumentList.Add(argument);
                }

                started.SetResult(Process.Start(info) ?? throw new InvalidOperationException("no process"));
            }
            catch (Exception ex)
            {
                started.SetException(new LocalStartException($"Azurite did not start: {ex.Message}", ex));
                return;
            }

            release.Wait();
        })
        {
            IsBackground = true,
            Name = "azurite-parent",
        };
        thread.Start();
        return started.Task;
    }

    /// <summary>
    /// The Azurite of a Telerad.Local that was killed gets SIGTERM and saves its databases after it has let go of its
    /// ports: a new one started on the same folder before that would load the old files, and the old one would then
    /// overwrite the new one's. Its process id is in the folder; wait until it is gone.
    /// </summary>
    private static async Task WaitForPreviousToExitAsync(string location, CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(location, PidFileName);
        if (!File.Exists(pidFile))
        {
            return;
        }

        var deadline = DateTime.UtcNow + PortWait;
        foreach (var line in await File.ReadAllLinesAsync(pidFile, cancellationToken))
        {
            if (!int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            while (IsAzuriteOf(pid, location))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new LocalStartException($"An Azurite (process {pid}) is still running on {location}. Is Telerad.Local already running with this data folder? Stop it first.");
                }

                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private static bool IsAzuriteOf(int pid, string location)
    {
        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return commandLine.Contains("azurite", StringComparison.Ordinal) && commandLine.Contains(location, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false; // no such process
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private async Task WaitUntilAnsweringAsync(int[] ports, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        foreach (var port in ports)
        {
            while (true)
            {
                if (_children.Any(c => c.Process.HasExited) || DateTime.UtcNow > deadline)
                {
                    throw new LocalStartException($"Azurite did not start on 127.0.0.1:{port}. Its output ({_log}):\n{LogTail()}");
                }

                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                    break;
                }
                catch (SocketException)
                {
                    await Task.Delay(50, cancellationToken);
                }
            }
        }

        // Listening is not yet answering: one real request (any HTTP answer will do) before anything else uses it. Its own
        // client, disposed at once: an idle keep-alive connection would hold up Azurite's shutdown.
        using var http = new HttpClient();
        using var answer = await http.GetAsync(new Uri($"http://127.0.0.1:{ports[2].ToString(CultureInfo.InvariantCulture)}/{AccountName}/Tables"), cancellationToken);
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private string LogTail()
    {
        try
        {
            var text = File.ReadAllText(_log);
            return text.Length > 16 * 1024 ? text[^(16 * 1024)..] : text;
        }
        catch (IOException)
        {
            return "(no output)";
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
