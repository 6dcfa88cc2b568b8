namespace Telerad.Reading.Configuration;

/// <summary>
/// A tenant's closed-loop critical-result communication (tenants.json <c>criticalResults</c>, optional): how long each
/// recipient has to acknowledge a result of each severity before the next person in the chain is alerted, and whether
/// the tenant wants a non-diagnostic heads-up about AI flags before a radiologist has confirmed anything.
/// </summary>
/// <remarks>
/// Severities follow the ACR practice parameter on communication of diagnostic imaging findings: red ("critical",
/// minutes to an hour) and orange ("urgent", hours). The Joint Commission (NPSG.02.03.01) lets each organisation set
/// its own limits, hence per tenant; the defaults are 60 minutes and 6 hours.
/// </remarks>
public sealed record CriticalResultSettings
{
    public static readonly TimeSpan DefaultRedAcknowledgmentTimeout = TimeSpan.FromMinutes(60);
    public static readonly TimeSpan DefaultOrangeAcknowledgmentTimeout = TimeSpan.FromHours(6);

    /// <summary>The defaults: what a tenant without <c>criticalResults</c> gets.</summary>
    public static CriticalResultSettings Default { get; } = new();

    /// <summary>How long a recipient has to acknowledge a red (critical) result.</summary>
    public TimeSpan RedAcknowledgmentTimeout { get; init; } = DefaultRedAcknowledgmentTimeout;

    /// <summary>How long a recipient has to acknowledge an orange (urgent) result.</summary>
    public TimeSpan OrangeAcknowledgmentTimeout { get; init; } = DefaultOrangeAcknowledgmentTimeout;

    /// <summary>
    /// Opt-in (off by default): when AI triage flags a study as critical, its first critical-result contact gets a
    /// clearly labelled non-diagnostic heads-up. It asks for no acknowledgment and is never escalated; only a
    /// radiologist's critical report starts the closed loop.
    /// </summary>
    public bool AiHeadsUp { get; init; }

    /// <summary>The acknowledgment timeout for a severity (<c>red</c> or <c>orange</c>); anything else is treated as red, the safe side.</summary>
    public TimeSpan AcknowledgmentTimeout(string? severity) =>
        string.Equals(severity, "orange", StringComparison.OrdinalIgnoreCase) ? OrangeAcknowledgmentTimeout : RedAcknowledgmentTimeout;
}
