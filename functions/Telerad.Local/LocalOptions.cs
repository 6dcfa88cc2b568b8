using Microsoft.Extensions.Logging;

namespace Telerad.Local;

/// <summary>How Telerad.Local runs: where its data lives, which storage and task hub it uses, what it serves.</summary>
public sealed record LocalOptions
{
    public const string DefaultDataDirectory = ".work/local";
    public const string DefaultTaskHub = "teleradlocal";
    public const string DefaultUrls = "http://127.0.0.1:7071";
    public const string DefaultTenant = "demo";

    /// <summary>Azurite's data (when Telerad.Local starts it) lives under {DataDirectory}/azurite.</summary>
    public string DataDirectory { get; init; } = DefaultDataDirectory;

    /// <summary>A running storage account or emulator to use; null starts Azurite on <see cref="BlobPort"/>..<see cref="TablePort"/>.</summary>
    public string? StorageConnectionString { get; init; }

    public int BlobPort { get; init; } = 10000;

    public int QueuePort { get; init; } = 10001;

    public int TablePort { get; init; } = 10002;

    /// <summary>The Durable Task hub (queues, tables and containers named after it). Letters and digits, 3-45 characters.</summary>
    public string TaskHub { get; init; } = DefaultTaskHub;

    /// <summary>Where the HTTP API listens (loopback only; port 0 picks a free one).</summary>
    public string Urls { get; init; } = DefaultUrls;

    /// <summary>The tenants whose uploads are accepted (others are quarantined as unknown-tenant).</summary>
    public IReadOnlyList<string> Tenants { get; init; } = [DefaultTenant];

    /// <summary>A study without a manifest is complete this long after its last instance arrived.</summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The tenants' de-identification keys; null: $TELERAD_KEY_FILE or ~/.config/telerad/deidentification-keys.json.</summary>
    public string? KeyFile { get; init; }

    /// <summary>The triage models ({id}/{version}/manifest.json); null: $TELERAD_MODELS, else the models shipped next to the program.</summary>
    public string? ModelFolder { get; init; }

    /// <summary>The model folder in effect.</summary>
    public string EffectiveModelFolder =>
        ModelFolder ?? (Environment.GetEnvironmentVariable("TELERAD_MODELS") is { Length: > 0 } configured ? configured : Path.Combine(AppContext.BaseDirectory, "models"));

    /// <summary>The reading configuration documents (tenants.json, radiologists.json, operations.json); null: {data}/config, seeded with the demo's.</summary>
    public string? ReadingConfigFolder { get; init; }

    public string EffectiveReadingConfigFolder => ReadingConfigFolder ?? Path.Combine(DataDirectory, "config");

    /// <summary>The viewer link template (OHIF-style, https, with {studyUid} and {token}) in radiologists' notifications.</summary>
    public string ViewerUrlTemplate { get; init; } = "https://viewer.example.org/viewer?StudyInstanceUIDs={studyUid}&token={token}";

    /// <summary>How often `incoming` is listed for new objects.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>An upload folder with nothing new for this long is settled: no longer listed every pass.</summary>
    public TimeSpan UploadSettleAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a settled upload folder is listed again (a resumed upload is found within this).</summary>
    public TimeSpan UploadRescanInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How often registered instances that are not de-identified while their study is not running are looked for.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How old such an instance must be before the sweep signals its study (younger ones are on their way).</summary>
    public TimeSpan StalledAfter { get; init; } = StalledInstanceSweep.DefaultMinimumAge;

    /// <summary>Objects ingested at once.</summary>
    public int IngestConcurrency { get; init; } = 8;

    /// <summary>Activities (instance de-identifications) run at once.</summary>
    public int ActivityConcurrency { get; init; } = 8;

    /// <summary>
    /// The longest wait between two polls of an idle durable queue (the engine backs off up to this when queues are
    /// empty): each hop of a study's orchestration (an event, a scheduled activity, its result) can wait up to this long.
    /// </summary>
    public TimeSpan QueuePollingInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Keep an orchestration's history in memory between its steps (the engine's extended sessions) instead of reading it
    /// back from the history table at every step: a study's assembly takes dozens of steps (one per batch and signal).
    /// </summary>
    public bool ExtendedSessions { get; init; } = true;

    /// <summary>How long a message taken by a worker that died stays invisible before another try (Durable Task queues).</summary>
    public TimeSpan MessageVisibilityTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Retry policy of the StudyAssembly activities.</summary>
    public StudyAssemblyOptions Retry { get; init; } = new() { FirstRetryInterval = TimeSpan.FromSeconds(1), MaxRetryInterval = TimeSpan.FromSeconds(30) };

    /// <summary>Log level of Telerad's own messages (the engine's and ASP.NET Core's are at most warnings).</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>Refuses what cannot work, with a message that says what to change.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("--data must name a folder.");
        }

        if (TaskHub.Length is < 3 or > 45 || !TaskHub.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(TaskHub[0]))
        {
            throw new ArgumentException("--task-hub must be 3-45 letters and digits, starting with a letter.");
        }

        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            if (port is < 1 or > 65535)
            {
                throw new ArgumentException("Azurite ports must be between 1 and 65535.");
            }
        }

        if (Tenants.Count == 0 || Tenants.Any(t => !IncomingObjectName.IsSafeSegment(t)))
        {
            throw new ArgumentException("--tenant: at least one, each letters, digits, '-', '_' or '.', not starting with '.'.");
        }

        if (QuietPeriod < TimeSpan.FromSeconds(1) || PollInterval < TimeSpan.FromMilliseconds(50) || QueuePollingInterval < TimeSpan.FromMilliseconds(10) || IngestConcurrency < 1 || ActivityConcurrency < 1
            || MessageVisibilityTimeout < TimeSpan.FromSeconds(5) || UploadSettleAfter < TimeSpan.Zero || UploadRescanInterval < TimeSpan.Zero
            || SweepInterval <= TimeSpan.Zero || StalledAfter < TimeSpan.Zero)
        {
            throw new ArgumentException("--quiet-period >= 1 s, --poll-interval >= 50 ms, --queue-poll-interval >= 10 ms, concurrency >= 1, message visibility >= 5 s, upload settle and rescan intervals >= 0, sweep interval > 0.");
        }

        Retry.Validate();
        _ = LoopbackUrls.Parse(Urls);
    }
}
