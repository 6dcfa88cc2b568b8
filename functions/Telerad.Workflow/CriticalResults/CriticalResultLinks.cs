using Telerad.Notifications;

namespace Telerad.Workflow;

/// <summary>
/// Acknowledgment links: <c>{Links:ApiBaseUrl}/critical-results/{study}/{reportId}/acknowledge?recipient={id}&amp;token=…</c>,
/// the token (<see cref="LinkTokens"/>) bound to the recipient, the study, the <see cref="LinkActions.Acknowledge"/>
/// action and the report (its subject). Issued for a given time, so a retried alert issues the very same link.
/// </summary>
public sealed class CriticalResultLinks(LinkTokens tokens, StudyLinkOptions links, CriticalResultOptions options)
{
    /// <summary>How long after <paramref name="issuedUtc"/> a link issued with <paramref name="wait"/> works: the wait, then the late window.</summary>
    public DateTimeOffset ExpiryFor(DateTimeOffset issuedUtc, TimeSpan wait) => issuedUtc + wait + options.LateAcknowledgmentWindow;

    public string Acknowledge(string tenant, string studyKey, string reportId, string recipientId, DateTimeOffset expiresUtc)
    {
        var token = tokens.Issue(new LinkClaims(tenant, studyKey, recipientId, LinkActions.Acknowledge, expiresUtc, Subject: reportId));
        return $"{links.ApiBaseUrl.TrimEnd('/')}/critical-results/{Uri.EscapeDataString(studyKey)}/{Uri.EscapeDataString(reportId)}/acknowledge"
            + $"?recipient={Uri.EscapeDataString(recipientId)}&token={Uri.EscapeDataString(token)}";
    }
}

/// <summary>Settings of the critical-result loop's messages (configuration section "CriticalResults").</summary>
public sealed record CriticalResultOptions
{
    /// <summary>
    /// How long an acknowledgment link keeps working after its recipient's wait has passed: a clinician who answers
    /// late still closes the loop (the metrics show it was late), and operations can record a phone read-back after the
    /// emergency alert. Links therefore live at least as long as the wait.
    /// </summary>
    public TimeSpan LateAcknowledgmentWindow { get; init; } = TimeSpan.FromHours(24);

    public void Validate()
    {
        if (LateAcknowledgmentWindow < TimeSpan.Zero || LateAcknowledgmentWindow > TimeSpan.FromDays(7))
        {
            throw new ArgumentException("CriticalResults: the late acknowledgment window must be between 0 and 7 days.");
        }
    }
}
