using System.Globalization;

namespace Telerad.Fhir.Delivery;

/// <summary>
/// Retry and timeout policy of <see cref="FhirDeliveryClient"/> (docs/results-delivery.md). Defaults fit a Durable
/// Functions activity: at most 5 attempts within 2 minutes, so a slow EHR ends the activity well inside the host's
/// timeout and the orchestration decides what happens next (a durable timer, then another activity).
/// </summary>
public sealed record FhirDeliveryOptions
{
    /// <summary>Attempts in one delivery, the first included (a retry after a refused token adds one).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>How long one attempt (token and POST) may take before it counts as a timeout.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Backoff before the second attempt's jitter: attempt n waits a uniform random time in [0, min(MaxDelay, BaseDelay·2^(n-1))].</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the exponential backoff.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The whole delivery, waits included; a Retry-After beyond it ends the delivery with a retry-not-before time.</summary>
    public TimeSpan MaxTotalTime { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Send <c>Prefer: return=minimal</c> (FHIR R4 http.html#ops): the transaction-response then carries statuses and
    /// locations without echoing the resources, which Telerad does not read and which hold patient data.
    /// </summary>
    public bool PreferMinimalResponse { get; init; } = true;

    /// <summary>Every problem with these options; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxAttempts is < 1 or > 20)
        {
            problems.Add($"MaxAttempts must be 1-20 (is {MaxAttempts.ToString(CultureInfo.InvariantCulture)})");
        }

        if (AttemptTimeout <= TimeSpan.Zero)
        {
            problems.Add("AttemptTimeout must be positive");
        }

        if (BaseDelay <= TimeSpan.Zero)
        {
            problems.Add("BaseDelay must be positive");
        }

        if (MaxDelay < BaseDelay)
        {
            problems.Add("MaxDelay must be at least BaseDelay");
        }

        if (MaxTotalTime < AttemptTimeout)
        {
            problems.Add("MaxTotalTime must be at least AttemptTimeout");
        }

        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming every problem.</summary>
    public void EnsureValid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid FHIR delivery options: " + string.Join("; ", problems) + ".");
        }
    }
}
