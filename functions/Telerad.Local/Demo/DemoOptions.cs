namespace Telerad.Local;

/// <summary>`telerad demo`: where it works and how long it waits.</summary>
public sealed record DemoOptions
{
    public const string DefaultDataDirectory = ".work/demo";
    public const string Tenant = "demo";
    public const string User = "demo-user";

    /// <summary>The demo's own folder: samples, Azurite's data, the key file. Emptied at the start of every run.</summary>
    public string DataDirectory { get; init; } = DefaultDataDirectory;

    public string Urls { get; init; } = LocalOptions.DefaultUrls;

    public int BlobPort { get; init; } = 10000;

    public int QueuePort { get; init; } = 10001;

    public int TablePort { get; init; } = 10002;

    /// <summary>How long to wait for every study's summary after the upload.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Keep Telerad.Local (and its API) running after the demo until Ctrl+C.</summary>
    public bool KeepRunning { get; init; }
}
