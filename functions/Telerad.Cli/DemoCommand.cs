using System.CommandLine;
using Telerad.Local;

namespace Telerad.Cli;

/// <summary>
/// `telerad demo [--data DIR] [--keep-running] [--urls URL] [--blob-port N --queue-port N --table-port N] [--timeout S]`:
/// the whole pipeline on this machine with the sample studies (<see cref="LocalDemo"/>). Exit codes: 0 every study
/// de-identified, 1 not in time, 2 could not start (a port in use, a folder that is not the demo's).
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "The demo's folder (emptied at every run; only a folder the demo made).", DefaultValueFactory = _ => DemoOptions.DefaultDataDirectory };
        var keepRunning = new Option<bool>("--keep-running") { Description = "Leave Telerad.Local and its API running afterwards, until Ctrl+C." };
        var urls = new Option<string>("--urls") { Description = "Where the API listens (loopback).", DefaultValueFactory = _ => LocalOptions.DefaultUrls };
        var blobPort = new Option<int>("--blob-port") { DefaultValueFactory = _ => 10000, Description = "Azurite blob port." };
        var queuePort = new Option<int>("--queue-port") { DefaultValueFactory = _ => 10001, Description = "Azurite queue port." };
        var tablePort = new Option<int>("--table-port") { DefaultValueFactory = _ => 10002, Description = "Azurite table port." };
        var timeout = new Option<int>("--timeout") { DefaultValueFactory = _ => 180, Description = "Seconds to wait for every study's summary." };
        var command = new Command("demo", "Run the whole pipeline here: sample studies → upload → ingest → de-identify → study summary, with timings.")
        {
            data, keepRunning, urls, blobPort, queuePort, tablePort, timeout,
        };
        command.SetAction((result, cancellationToken) => LocalDemo.RunAsync(
            new DemoOptions
            {
                DataDirectory = result.GetValue(data)!,
                KeepRunning = result.GetValue(keepRunning),
                Urls = result.GetValue(urls)!,
                BlobPort = result.GetValue(blobPort),
                QueuePort = result.GetValue(queuePort),
                TablePort = result.GetValue(tablePort),
                Timeout = TimeSpan.FromSeconds(result.GetValue(timeout)),
            },
            Console.Out,
            cancellationToken));
        return command;
    }
}
