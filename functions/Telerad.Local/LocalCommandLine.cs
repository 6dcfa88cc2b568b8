using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Telerad.Local;

/// <summary>`telerad-local` (dotnet run --project functions/Telerad.Local -- ...): options in, <see cref="LocalRuntime"/> run until Ctrl+C.</summary>
public static class LocalCommandLine
{
    public static RootCommand Build()
    {
        var data = new Option<string>("--data") { Description = "Folder for Azurite's data (when started here).", DefaultValueFactory = _ => LocalOptions.DefaultDataDirectory };
        var storage = new Option<string?>("--storage") { Description = "Connection string of a running Azurite or storage account; default: start Azurite under --data." };
        var blobPort = new Option<int>("--blob-port") { DefaultValueFactory = _ => 10000, Description = "Azurite blob port (when started here)." };
        var queuePort = new Option<int>("--queue-port") { DefaultValueFactory = _ => 10001, Description = "Azurite queue port." };
        var tablePort = new Option<int>("--table-port") { DefaultValueFactory = _ => 10002, Description = "Azurite table port." };
        var taskHub = new Option<string>("--task-hub") { DefaultValueFactory = _ => LocalOptions.DefaultTaskHub, Description = "Durable Task hub name (letters and digits)." };
        var urls = new Option<string>("--urls") { DefaultValueFactory = _ => LocalOptions.DefaultUrls, Description = "Where the HTTP API listens (loopback only; port 0 picks one)." };
        var tenants = new Option<string[]>("--tenant") { Description = $"A tenant whose uploads are accepted (repeat for more). Default: {LocalOptions.DefaultTenant}." };
        var quiet = new Option<double>("--quiet-period") { DefaultValueFactory = _ => 60, Description = "Seconds after a study's last instance before it is complete without a manifest." };
        var keyFile = new Option<string?>("--key-file") { Description = "De-identification key file. Default: $TELERAD_KEY_FILE or ~/.config/telerad/deidentification-keys.json." };
        var models = new Option<string?>("--models") { Description = "Triage model folder ({id}/{version}/manifest.json). Default: $TELERAD_MODELS, else the models shipped with Telerad.Local." };
        var poll = new Option<int>("--poll-interval") { DefaultValueFactory = _ => 1000, Description = "Milliseconds between listings of `incoming`." };
        var queuePoll = new Option<int>("--queue-poll-interval") { DefaultValueFactory = _ => 500, Description = "Longest milliseconds between polls of an idle durable queue (latency of each orchestration step against idle polling)." };
        var sessions = new Option<bool>("--extended-sessions") { DefaultValueFactory = _ => true, Description = "Keep orchestration histories in memory between steps (true/false)." };
        var activities = new Option<int>("--activity-concurrency") { DefaultValueFactory = _ => 8, Description = "De-identification activities at once." };
        var visibility = new Option<double>("--message-visibility") { DefaultValueFactory = _ => 15, Description = "Seconds before work a killed process had taken is retried." };
        var verbose = new Option<bool>("--verbose") { Description = "Log every object (opaque ids only)." };
        var root = new RootCommand("Telerad.Local: the whole Telerad pipeline on one machine (Azurite, the durable engine, the incoming poller, the HTTP API).")
        {
            data, storage, blobPort, queuePort, tablePort, taskHub, urls, tenants, quiet, keyFile, models, poll, queuePoll, sessions, activities, visibility, verbose,
        };
        root.SetAction(async (result, cancellationToken) =>
        {
            var given = result.GetValue(tenants);
            LocalOptions options;
            try
            {
                options = new LocalOptions
                {
                    DataDirectory = result.GetValue(data)!,
                    StorageConnectionString = result.GetValue(storage),
                    BlobPort = result.GetValue(blobPort),
                    QueuePort = result.GetValue(queuePort),
                    TablePort = result.GetValue(tablePort),
                    TaskHub = result.GetValue(taskHub)!,
                    Urls = result.GetValue(urls)!,
                    Tenants = given is { Length: > 0 } ? given : [LocalOptions.DefaultTenant],
                    QuietPeriod = TimeSpan.FromSeconds(result.GetValue(quiet)),
                    KeyFile = result.GetValue(keyFile),
                    ModelFolder = result.GetValue(models),
                    PollInterval = TimeSpan.FromMilliseconds(result.GetValue(poll)),
                    QueuePollingInterval = TimeSpan.FromMilliseconds(result.GetValue(queuePoll)),
                    ExtendedSessions = result.GetValue(sessions),
                    ActivityConcurrency = result.GetValue(activities),
                    MessageVisibilityTimeout = TimeSpan.FromSeconds(result.GetValue(visibility)),
                    LogLevel = result.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information,
                };
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"telerad-local: {ex.Message}");
                return 2;
            }

            return await RunAsync(options, cancellationToken);
        });
        return root;
    }

    private static async Task<int> RunAsync(LocalOptions options, CancellationToken cancellationToken)
    {
        LocalRuntime runtime;
        try
        {
            runtime = await LocalRuntime.StartAsync(options, Console.Error, cancellationToken);
        }
        catch (LocalStartException ex)
        {
            await Console.Error.WriteLineAsync($"telerad-local: {ex.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }

        await using (runtime)
        {
            var c = CultureInfo.InvariantCulture;
            var output = Console.Out;
            // The first line is what scripts and tests wait for.
            await output.WriteLineAsync($"Telerad.Local ready: api {runtime.ApiAddress.ToString().TrimEnd('/')}");
            await output.WriteLineAsync($"  API:      {string.Join(' ', runtime.Addresses)} (every call but /health needs the header {DevIdentityHandler.HeaderName}: <your id>)");
            await output.WriteLineAsync(options.StorageConnectionString is null
                ? $"  Storage:  Azurite on 127.0.0.1:{options.BlobPort.ToString(c)}-{options.TablePort.ToString(c)}, data in {Path.GetFullPath(Path.Combine(options.DataDirectory, "azurite"))}"
                : "  Storage:  the account given with --storage");
            await output.WriteLineAsync($"  Tenants:  {string.Join(", ", options.Tenants)}; task hub {options.TaskHub}");
            await output.WriteLineAsync($"  Upload:   telerad upload FOLDER --tenant {options.Tenants[0]} --connection-string \"{runtime.StorageConnectionString}\"");
            await output.FlushAsync(cancellationToken);
            try
            {
                await runtime.WaitForShutdownAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop in order (the poller, the engine, the API, then Azurite).
            }
        }

        return 0;
    }
}
