using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Telerad.Local;

/// <summary>
/// An Azurite that Telerad.Local started and owns: persistent (its data under one folder), on fixed loopback ports,
/// stopped with SIGTERM (so it saves its databases) when Telerad.Local stops. If Telerad.Local dies without stopping
/// it (kill -9), Azurite gets one SIGTERM too: its shell parent (see <see cref="Supervisor"/>) is started through
/// `setpriv --pdeathsig TERM` from a thread that lives as long as the process (the parent-death signal follows the
/// thread that forked). A new Azurite on the same folder waits for the old one to finish saving (azurite.pid).
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

    private readonly Process _process;
    private readonly ManualResetEventSlim _release;
    private readonly string _log;

    private AzuriteProcess(Process process, ManualResetEventSlim release, string log, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _release = release;
        _log = log;
        ConnectionString = ConnectionStringFor(blobPort, queuePort, tablePort);
    }

    public string ConnectionString { get; }

    public int ProcessId => _process.Id;

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
        var release = new ManualResetEventSlim();
        var process = await LaunchAsync(Arguments(binary, location, log, blobPort, queuePort, tablePort), release);
        await File.WriteAllTextAsync(Path.Combine(location, PidFileName), process.Id.ToString(CultureInfo.InvariantCulture), cancellationToken);
        var azurite = new AzuriteProcess(process, release, log, blobPort, queuePort, tablePort);
        try
        {
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
        try
        {
            if (!_process.HasExited)
            {
                _ = Kill(_process.Id, SigTerm); // the supervisor passes it on; Azurite saves its databases on SIGTERM
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _release.Set();
            _process.Dispose();
            try
            {
                File.Delete(Path.Combine(Path.GetDirectoryName(_log)!, PidFileName));
            }
            catch (IOException)
            {
                // The folder is gone: nothing to clean.
            }
            _release.Dispose();
        }
    }

    /// <summary>
    /// A small shell parent for Azurite: it passes on exactly one SIGTERM and waits. With setpriv it is also the process
    /// that gets the parent-death signal. Azurite must not get that signal itself: the kernel sends it again each time
    /// the child is handed to another thread of the dying process, and Azurite's second SIGTERM ends it mid-save.
    /// Output goes to a log file, not to a pipe: after a kill -9 of this process a pipe is broken, and Azurite, writing
    /// "closing..." on its way out, would die of it before saving its databases.
    /// </summary>
    private const string Supervisor =
        "log=$1; shift; \"$@\" >>\"$log\" 2>&1 </dev/null & child=$!; " +
        "trap 'trap \"\" TERM INT; kill -TERM $child 2>/dev/null' TERM INT; " +
        "while kill -0 $child 2>/dev/null; do wait $child; done";

    private static List<string> Arguments(string binary, string location, string log, int blobPort, int queuePort, int tablePort)
    {
        var arguments = new List<string>();
        if (File.Exists(SetPriv))
        {
            arguments.AddRange([SetPriv, "--pdeathsig", "TERM", "--"]);
        }

        var c = CultureInfo.InvariantCulture;
        arguments.AddRange([
            "/bin/sh", "-c", Supervisor, "sh", log,
            binary, "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--location", location,
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(c),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(c),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(c),
        ]);
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
        if (!File.Exists(pidFile) || !int.TryParse(await File.ReadAllTextAsync(pidFile, cancellationToken), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return;
        }

        var deadline = DateTime.UtcNow + PortWait;
        while (IsAzuriteOf(pid, location))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new LocalStartException($"An Azurite (process {pid}) is still running on {location}. Is Telerad.Local already running with this data folder? Stop it first.");
            }

            await Task.Delay(100, cancellationToken);
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
                if (_process.HasExited || DateTime.UtcNow > deadline)
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
