namespace Telerad.Workflow;

/// <summary>
/// DeliverReport (one orchestration per report version): the report goes to the referrer's FHIR endpoint, re-identified
/// only at that moment; transient failures are retried in rounds with durable timers between them (the client itself
/// retries within a round, honouring Retry-After), a permanent refusal or exhausted rounds end in a dead-letter record
/// and an operations alert, and operations can start it again (the retry API). Ids only in inputs and outputs.
/// </summary>
public static class DeliverReport
{
    public const string OrchestratorName = "DeliverReportV1";
    public const string DeliverActivityName = "DeliverReportActivityV1";
    public const string RecordActivityName = "RecordDeliveryV1";

    public static string InstanceId(string tenant, string studyKey, string reportId, string kind) => $"deliver-{tenant}-{studyKey}-{reportId}-{kind}";

    /// <summary>Where the outcome of a report version's delivery is recorded (ids, codes and times only).</summary>
    public static string OutcomeObject(string tenant, string studyKey, string reportId, string kind, string status) =>
        $"{tenant}/{studyKey}/results/{reportId}-{kind}.{status}.json";
}

/// <summary>Rounds of delivery attempts: validated options (configuration section "ResultsDelivery"), snapshot in the input.</summary>
public sealed record DeliveryRetryPolicy
{
    /// <summary>Rounds in all (each round is one activity; the FHIR client retries transient failures inside it).</summary>
    public int MaxRounds { get; init; } = 6;

    public TimeSpan FirstRoundDelay { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan MaxRoundDelay { get; init; } = TimeSpan.FromHours(1);

    public StudyAssemblyOptions ActivityRetry { get; init; } = new();

    public void Validate()
    {
        if (MaxRounds is < 1 or > 50 || FirstRoundDelay <= TimeSpan.Zero || MaxRoundDelay < FirstRoundDelay)
        {
            throw new ArgumentException("Results delivery: 1-50 rounds, a positive first delay, the longest delay at least the first.");
        }

        ActivityRetry.Validate();
    }

    /// <summary>Doubling delays, capped: 2, 4, 8, 16, 32, 60, 60 minutes with the defaults.</summary>
    public TimeSpan DelayAfter(int round) => TimeSpan.FromTicks(Math.Min(MaxRoundDelay.Ticks, FirstRoundDelay.Ticks * (1L << Math.Min(round, 30))));
}

/// <summary>Which report version to deliver (the report itself is in deid/.../reports/; PHI is looked up only when sending).</summary>
public sealed record DeliverReportInput(string Tenant, string StudyKey, string ReportId, string ReportKind, DeliveryRetryPolicy Policy);

/// <summary>One delivery attempt's request (what the activity gets).</summary>
public sealed record ReportDeliveryRequest(string Tenant, string StudyKey, string ReportId, string ReportKind, int Round);

/// <summary>
/// What an attempt came to: <see cref="Delivered"/>, <see cref="Retryable"/> (timeouts, 408/429/5xx after the client's own
/// retries) or <see cref="Permanent"/> (a 4xx refusal, an invalid bundle, a missing endpoint or map entry). Codes only:
/// an OperationOutcome may echo PHI, so only its issue codes travel here.
/// </summary>
public sealed record ReportDeliveryOutcome(string Status, string Code, int? HttpStatus = null, IReadOnlyList<string>? IssueCodes = null, IReadOnlyList<string>? Locations = null)
{
    public const string Delivered = "delivered";
    public const string Retryable = "retryable";
    public const string Permanent = "permanent";
}

/// <summary>The delivery's end as recorded: delivered or failed (dead letter), after how many rounds.</summary>
public sealed record DeliveryRecord(string Tenant, string StudyKey, string ReportId, string ReportKind, string Status, int Rounds, ReportDeliveryOutcome Last);

/// <summary>Builds, validates and sends one report version (Telerad.Fhir implements it; tests script it).</summary>
public interface IReportDelivery
{
    Task<ReportDeliveryOutcome> DeliverAsync(ReportDeliveryRequest request, CancellationToken cancellationToken = default);
}
