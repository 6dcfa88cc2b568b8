using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure.Data.Tables;

namespace Telerad.Azure.Tests;

/// <summary>
/// A real Azurite (npm azurite, installed by tools/test.sh with `npm ci` into node_modules/) on free loopback
/// ports, in memory, started once per test collection and killed at the end. Other test projects reuse it by
/// referencing this project and declaring their own collection:
/// <c>[CollectionDefinition("Azurite")] public sealed class AzuriteCollection : ICollectionFixture&lt;AzuriteFixture&gt;;</c>
/// (xunit only sees collection definitions in the test assembly itself).
/// Flags: see ../shared/ENVIRONMENT.md (without --skipApiVersionCheck newer SDKs get HTTP 400; without
/// --disableTelemetry it tries the internet). No Azurite means a failing test, not a skipped one.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's fixed, publicly documented development account key; it opens nothing but the emulator.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly StringBuilder _output = new();
    private Process? _process;

    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    /// <summary>A storage connection string for all three services (what Telerad.Local and the tests give the SDK clients).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    public TableServiceClient CreateTableServiceClient() => new(ConnectionString);

    /// <summary>node_modules/.bin/azurite of the repository, or $TELERAD_AZURITE.</summary>
    public static string AzuriteBinary()
    {
        var configured = Environment.GetEnvironmentVariable("TELERAD_AZURITE");
        var path = string.IsNullOrEmpty(configured) ? Path.Combine(RepositoryRoot(), "node_modules", ".bin", "azurite") : configured;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Azurite is not installed at {path}: run tools/test.sh (it runs `npm ci` at the repository root).");
        }

        return path;
    }

    public async Task InitializeAsync()
    {
        var binary = AzuriteBinary();
        // A port picked free can be taken before Azurite binds it; then Azurite exits and we try new ports.
        for (var attempt = 1; ; attempt++)
        {
            (BlobPort, QueuePort, TablePort) = FreePorts();
            _process = Start(binary);
            try
            {
                if (await WaitUntilListeningAsync(_process))
                {
                    AppDomain.CurrentDomain.ProcessExit += KillOnExit;
                    return;
                }
            }
            catch
            {
                Stop(); // never leave an emulator running behind a failed start
                throw;
            }

            Stop();
            if (attempt == 3)
            {
                string output;
                lock (_output)
                {
                    output = _output.ToString();
                }

                throw new InvalidOperationException($"Azurite did not start on 127.0.0.1 ({binary}). Its output:\n{output}");
            }
        }
    }

    public Task DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        Stop();
        return Task.CompletedTask;
    }

    private Process Start(string binary)
    {
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Azurite may write small files in its working directory even in memory mode; keep them out of the repository.
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in new[]
        {
            "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--inMemoryPersistence", "--extentMemoryLimit", "512",
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Capture(e.Data);
        process.ErrorDataReceived += (_, e) => Capture(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 64 * 1024)
            {
                _output.AppendLine(line);
            }
        }
    }

    private async Task<bool> WaitUntilListeningAsync(Process process)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (true)
            {
                if (process.HasExited)
                {
                    return false;
                }

                if (DateTime.UtcNow > deadline)
                {
                    return false;
                }

                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException)
                {
                    await Task.Delay(50);
                }
            }
        }

        // Listening is not yet answering: make one real request before handing the emulator to tests.
        await CreateTableServiceClient().GetPropertiesAsync();
        return true;
    }

    private static (int Blob, int Queue, int Table) FreePorts()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
            return (ports[0], ports[1], ports[2]);
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    private void KillOnExit(object? sender, EventArgs e) => Stop();

    private void Stop()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TeleradFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No TeleradFunctions.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>Tests that need Azurite join this collection: one emulator for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
