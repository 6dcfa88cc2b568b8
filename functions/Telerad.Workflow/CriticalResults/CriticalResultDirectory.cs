using System.Text.Json;
using Telerad.Reading.Configuration;
using Telerad.Storage;

namespace Telerad.Workflow;

/// <summary>Who is alerted about a study's critical result, in order, and how long each has to acknowledge.</summary>
/// <param name="ReferrerId">The study's referrer, or null when it is not known (then the chain is operations only).</param>
/// <param name="AiHeadsUp">Whether the tenant opted in to the non-diagnostic AI heads-up.</param>
public sealed record CriticalResultPlan(string? ReferrerId, IReadOnlyList<CriticalResultRecipient> Chain, TimeSpan AcknowledgmentTimeout, bool AiHeadsUp);

/// <summary>Resolves a study's critical-result plan from configuration (the start activity snapshots it into the loop's input).</summary>
public interface ICriticalResultDirectory
{
    Task<CriticalResultPlan> ResolveAsync(string tenant, string studyKey, string severity, CancellationToken cancellationToken = default);
}

/// <summary>
/// The plan from the reading configuration (tenants.json, operations.json) and the study's referrer (its summary in
/// <c>deid/{tenant}/{study}/summary.json</c>). The chain is the referrer's critical-result contacts in order (the first
/// is the referring clinician, the others on-call and covering clinicians), then the contacts of the referrer's
/// critical-result escalation chain (facility and reading-service operations). A study whose referrer is unknown (not
/// in its summary, or not one of the tenant's referrers) goes to the operations alert contacts, who find the ordering
/// clinician by phone: a critical result is never dropped for want of configuration.
/// </summary>
public sealed class ConfiguredCriticalResultDirectory(ReadingConfiguration configuration, IObjectStore store) : ICriticalResultDirectory
{
    public async Task<CriticalResultPlan> ResolveAsync(string tenant, string studyKey, string severity, CancellationToken cancellationToken = default)
    {
        var tenantConfiguration = configuration.FindTenant(tenant);
        var settings = tenantConfiguration?.CriticalResults ?? CriticalResultSettings.Default;
        var timeout = settings.AcknowledgmentTimeout(severity);
        var referrerId = await ReferrerOfAsync(tenant, studyKey, cancellationToken);
        var referrer = referrerId is null ? null : tenantConfiguration?.FindReferrer(referrerId);
        var chain = new List<CriticalResultRecipient>();
        if (referrer is not null)
        {
            chain.AddRange(referrer.CriticalResultContacts.Select((c, i) => new CriticalResultRecipient(c.Id, i == 0 ? CriticalRecipientKinds.Clinician : CriticalRecipientKinds.OnCall)));
            if (referrer.CriticalResultEscalationChainId is { } chainId && tenantConfiguration!.FindEscalationChain(chainId) is { } escalation)
            {
                chain.AddRange(escalation.Steps.Select(s => new CriticalResultRecipient(s.ContactId, CriticalRecipientKinds.Operations)));
            }
        }
        else
        {
            chain.AddRange(configuration.AlertContactIds.Select(id => new CriticalResultRecipient(id, CriticalRecipientKinds.Operations)));
        }

        // Someone listed twice (a desk on two steps) is alerted once, at their first place.
        var distinct = chain.DistinctBy(r => r.Id, StringComparer.Ordinal).Take(CriticalResult.MaxChainLength).ToList();
        return new CriticalResultPlan(referrer?.Id, distinct, timeout, settings.AiHeadsUp);
    }

    private async Task<string?> ReferrerOfAsync(string tenant, string studyKey, CancellationToken cancellationToken)
    {
        try
        {
            await using var content = await store.OpenReadAsync(new ObjectRef(Containers.Deidentified, $"{tenant}/{studyKey}/summary.json"), cancellationToken);
            var summary = await JsonSerializer.DeserializeAsync(content, WorkflowJsonContext.Default.StudySummary, cancellationToken);
            return string.IsNullOrEmpty(summary?.ReferrerId) ? null : summary.ReferrerId;
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
    }
}
