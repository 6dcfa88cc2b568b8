namespace Telerad.Workflow;

/// <summary>
/// StudyAssembly (one orchestration per tenant + study): collects accepted instances, de-identifies them in batches
/// as they arrive, completes when the upload's manifest says all have arrived or after a quiet period, and publishes
/// the study summary.
/// Inputs, events and outputs carry pseudonymous keys only. Names carry a version so in-flight instances
/// survive deployments (a changed orchestration gets a new name, e.g. StudyAssemblyV2).
/// </summary>
public static partial class StudyAssembly
{
    public const string OrchestratorName = "StudyAssemblyV1";
    public const string DeidentifyActivityName = "DeidentifyInstanceV1";
    public const string DeidentifyBatchActivityName = "DeidentifyInstancesV1";
    public const string PublishSummaryActivityName = "PublishStudySummaryV1";
    public const string FindUnprocessedActivityName = "FindUnprocessedInstancesV1";

    /// <summary>
    /// Instances per de-identify activity. One activity per instance costs the engine a message each way and two history
    /// events per instance (on Azure Storage, queue and table round trips that outweigh the work); a few instances per
    /// activity keep that small while enough activities run at once to use the workers.
    /// </summary>
    public const int DefaultDeidentifyBatch = 8;

    /// <summary>One event name for everything that reaches a study, so a single wait covers all of them.</summary>
    public const string EventName = "StudyEvent";

    /// <summary>Pseudonymous and deterministic: every ingestion worker addresses the same instance.</summary>
    public static string InstanceId(string tenant, string studyKey) => $"study-{tenant}-{studyKey}";
}

/// <summary>The orchestration's input: the study, and the state carried across ContinueAsNew (ids only).</summary>
/// <remarks>The retry policy travels in the input: orchestrators are created without services, and a snapshot taken at
/// start keeps replays deterministic when configuration changes.
/// <para><paramref name="DeidentifyBatch"/>: instances per <see cref="StudyAssembly.DeidentifyBatchActivityName"/>
/// activity. 0 (what runs started before batches existed carry) schedules one
/// <see cref="StudyAssembly.DeidentifyActivityName"/> per instance, so their replays schedule what they did.</para>
/// <para><paramref name="DeidentifyWhileArriving"/>: a batch starts as soon as it is full, while the upload still arrives,
/// several at once. False (what runs started before carry) keeps the loop that collects until the manifest or the quiet
/// period, so their replays schedule what they did.</para></remarks>
public sealed record StudyAssemblyInput(
    string Tenant,
    string StudyKey,
    int QuietPeriodSeconds,
    StudyAssemblyOptions Retry,
    bool LateRun = false,
    StudyAssemblyState? State = null,
    int DeidentifyBatch = 0,
    bool DeidentifyWhileArriving = false);

/// <summary>
/// What a study run has seen so far; small (keys and counts), so it can be carried into the next run. The
/// de-identification results themselves live in the instance registry, which the summary is built from.
/// </summary>
public sealed record StudyAssemblyState(
    IReadOnlyDictionary<string, int> Pending,
    IReadOnlyDictionary<string, int> Done,
    int Expected,
    bool Reported);

/// <summary>What reaches a study: an accepted instance, several at once, or the expected count from an upload manifest.</summary>
public sealed record StudyEvent(string Kind, string? SopKey = null, int Version = 0, int ExpectedInstances = 0, IReadOnlyList<InstanceVersion>? Instances = null)
{
    public const string InstanceAccepted = "instance-accepted";
    public const string InstancesAccepted = "instances-accepted";
    public const string ManifestLanded = "manifest-landed";

    /// <summary>At most this many instances per <see cref="InstancesAccepted"/> event: the event is history, keep it small.</summary>
    public const int MaxInstancesPerEvent = 100;

    public static StudyEvent Instance(string sopKey, int version) => new(InstanceAccepted, sopKey, version);

    /// <summary>Instances accepted together (one poll pass of Telerad.Local): one event instead of one each.</summary>
    public static StudyEvent Several(IReadOnlyList<InstanceVersion> instances) =>
        instances is { Count: > 0 and <= MaxInstancesPerEvent } ? new(InstancesAccepted, Instances: instances) : throw new ArgumentException($"1 to {MaxInstancesPerEvent} instances per event.", nameof(instances));

    /// <summary>The instance versions the event announces (none for a manifest).</summary>
    public IEnumerable<InstanceVersion> Announced() =>
        Kind == InstanceAccepted && SopKey is { } sop ? [new InstanceVersion(sop, Version)] : Kind == InstancesAccepted && Instances is { } list ? list : [];

    public static StudyEvent Manifest(int expectedInstances) => new(ManifestLanded, ExpectedInstances: expectedInstances);
}

/// <summary>
/// The de-identify activity's input: which instance version of which study (no PHI), and whether it arrives after
/// the study was first reported (a late instance the reading workflow must be told about).
/// </summary>
public sealed record DeidentifyRequest(string Tenant, string StudyKey, string SopKey, int Version, bool Late = false);

/// <summary>The batch de-identify activity's input: instance versions of one study, de-identified one after another.</summary>
public sealed record DeidentifyBatchRequest(string Tenant, string StudyKey, IReadOnlyList<InstanceVersion> Instances, bool Late = false);

/// <summary>An instance version (pseudonymous SOP key).</summary>
public sealed record InstanceVersion(string SopKey, int Version);

/// <summary>What a batch did (counts only: the results themselves are in the registry).</summary>
public sealed record DeidentifyBatchResult(int Deidentified, int Quarantined);

/// <summary>The publish activity's input: the summary is built from the instance registry, not carried here.</summary>
/// <summary>Publishes the study's summary; <paramref name="TriageFailure"/> says why triage could not run, when it could not.</summary>
public sealed record PublishSummaryRequest(string Tenant, string StudyKey, string? TriageFailure = null);

/// <summary>Which study to look at for registered instances not yet de-identified.</summary>
public sealed record FindUnprocessedRequest(string Tenant, string StudyKey);

/// <summary>Retry policy of the activities: validated options (configuration section "StudyAssembly").</summary>
public sealed record StudyAssemblyOptions
{
    public int MaxAttempts { get; init; } = 5;

    public TimeSpan FirstRetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    public double BackoffCoefficient { get; init; } = 2;

    public TimeSpan MaxRetryInterval { get; init; } = TimeSpan.FromMinutes(5);

    public void Validate()
    {
        if (MaxAttempts < 1 || FirstRetryInterval <= TimeSpan.Zero || BackoffCoefficient < 1 || MaxRetryInterval < FirstRetryInterval)
        {
            throw new ArgumentException("StudyAssembly retry options: attempts >= 1, first interval > 0, backoff >= 1, max interval >= first interval.");
        }
    }

    public TaskOptions ToTaskOptions() => TaskOptions.FromRetryPolicy(new RetryPolicy(MaxAttempts, FirstRetryInterval, BackoffCoefficient, MaxRetryInterval));
}
