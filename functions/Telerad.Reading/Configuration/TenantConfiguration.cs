namespace Telerad.Reading.Configuration;

/// <summary>
/// A customer of the reading service (a hospital or group) with its contract: turnaround targets, reminders,
/// escalation, and the facilities and referrers it sends studies from. From <c>tenants.json</c>.
/// </summary>
public sealed record TenantConfiguration
{
    public required string Id { get; init; }

    public required string DisplayName { get; init; }

    /// <summary>Contract turnaround target per priority: from the study's start to the final report.</summary>
    public required IReadOnlyDictionary<ReadingPriority, TimeSpan> TurnaroundTargets { get; init; }

    /// <summary>How often an assigned radiologist who has not accepted is reminded.</summary>
    public required TimeSpan ReminderInterval { get; init; }

    /// <summary>Reminders left unanswered before the study is reassigned (never back to the silent reader).</summary>
    public required int MaxSilentReminders { get; init; }

    /// <summary>The SLA warning is raised when this fraction of the turnaround target has elapsed (0 &lt; f &lt; 1).</summary>
    public required double SlaWarningFraction { get; init; }

    /// <summary>May a general radiologist read a study when no subspecialist for it is eligible?</summary>
    public required bool AllowGeneralFallback { get; init; }

    /// <summary>The escalation chain used on SLA breach (an id of <see cref="EscalationChains"/>).</summary>
    public required string SlaEscalationChainId { get; init; }

    public required IReadOnlyList<EscalationChain> EscalationChains { get; init; }

    public required IReadOnlyList<FacilityConfiguration> Facilities { get; init; }

    public required IReadOnlyList<ReferrerConfiguration> Referrers { get; init; }

    /// <summary>Acknowledgment timeouts by severity and the AI heads-up opt-in (defaults when tenants.json leaves them out).</summary>
    public CriticalResultSettings CriticalResults { get; init; } = CriticalResultSettings.Default;

    public TimeSpan TurnaroundTarget(ReadingPriority priority) => TurnaroundTargets[priority];

    public EscalationChain? FindEscalationChain(string id) => EscalationChains.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.Ordinal));

    public FacilityConfiguration? FindFacility(string id) => Facilities.FirstOrDefault(f => string.Equals(f.Id, id, StringComparison.Ordinal));

    public ReferrerConfiguration? FindReferrer(string id) => Referrers.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.Ordinal));
}

/// <summary>An imaging site of a tenant. Facility ids are unique across all tenants (radiologists are credentialed per facility).</summary>
public sealed record FacilityConfiguration
{
    public required string Id { get; init; }

    public required string DisplayName { get; init; }

    /// <summary>Where the facility's patients are, e.g. <c>US-NY</c>: the default patient jurisdiction for licensure.</summary>
    public required string Jurisdiction { get; init; }
}

/// <summary>A referring clinician or practice: where reports go and who takes critical results.</summary>
public sealed record ReferrerConfiguration
{
    /// <summary>Unique across all tenants.</summary>
    public required string Id { get; init; }

    public required string DisplayName { get; init; }

    /// <summary>The id of the referrer's FHIR endpoint (the delivery side resolves it to a base URL and credentials).</summary>
    public required string FhirEndpointId { get; init; }

    /// <summary>Who is called with a critical result, in order.</summary>
    public required IReadOnlyList<CriticalResultContact> CriticalResultContacts { get; init; }

    /// <summary>The escalation chain when no critical-result contact acknowledges (an id of the tenant's chains), or null for none.</summary>
    public string? CriticalResultEscalationChainId { get; init; }
}

/// <summary>A clinician who can receive and acknowledge a critical result.</summary>
public sealed record CriticalResultContact
{
    public required string Id { get; init; }

    public required string DisplayName { get; init; }

    public required ContactChannel Channel { get; init; }

    /// <summary>Phone number, e-mail address or pager id, depending on <see cref="Channel"/>.</summary>
    public required string Address { get; init; }
}

/// <summary>How a person is reached.</summary>
public enum ContactChannel
{
    Phone,
    Sms,
    Email,
    Pager,
}

/// <summary>Who is alerted, in order, when something is overdue: each step after its delay from the start of the escalation.</summary>
public sealed record EscalationChain
{
    public required string Id { get; init; }

    public required IReadOnlyList<EscalationStep> Steps { get; init; }
}

/// <summary>Alert <see cref="ContactId"/> (an operations contact) <see cref="After"/> the escalation started.</summary>
public sealed record EscalationStep(string ContactId, TimeSpan After);
