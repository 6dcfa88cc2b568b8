using System.Collections.Frozen;
using Telerad.Reading.Rules;

namespace Telerad.Reading.Configuration;

/// <summary>
/// The validated, immutable configuration of the reading workflow: tenants (with facilities and referrers),
/// radiologists, operations contacts and assignment rules. Built only by <see cref="ReadingConfigurationLoader"/>,
/// so every reference in it resolves.
/// </summary>
public sealed class ReadingConfiguration
{
    private readonly FrozenDictionary<string, TenantConfiguration> _tenants;
    private readonly FrozenDictionary<string, (TenantConfiguration Tenant, FacilityConfiguration Facility)> _facilities;
    private readonly FrozenDictionary<string, RadiologistConfiguration> _radiologists;
    private readonly FrozenDictionary<string, OperationsContact> _contacts;

    internal ReadingConfiguration(
        IReadOnlyList<TenantConfiguration> tenants,
        IReadOnlyList<RadiologistConfiguration> radiologists,
        IReadOnlyList<OperationsContact> operationsContacts,
        IReadOnlyList<string> alertContactIds,
        AssignmentRules rules)
    {
        Tenants = tenants;
        // Ordinal id order: the order in which candidates are considered and the last tie-break.
        Radiologists = [.. radiologists.OrderBy(r => r.Id, StringComparer.Ordinal)];
        OperationsContacts = operationsContacts;
        AlertContactIds = alertContactIds;
        Rules = rules;
        _tenants = tenants.ToFrozenDictionary(t => t.Id, StringComparer.Ordinal);
        _facilities = tenants.SelectMany(t => t.Facilities.Select(f => (t, f))).ToFrozenDictionary(x => x.f.Id, x => (x.t, x.f), StringComparer.Ordinal);
        _radiologists = radiologists.ToFrozenDictionary(r => r.Id, StringComparer.Ordinal);
        _contacts = operationsContacts.ToFrozenDictionary(c => c.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<TenantConfiguration> Tenants { get; }

    /// <summary>All radiologists, in ordinal id order.</summary>
    public IReadOnlyList<RadiologistConfiguration> Radiologists { get; }

    public IReadOnlyList<OperationsContact> OperationsContacts { get; }

    /// <summary>The operations contacts who receive operations alerts (e.g. no eligible reader).</summary>
    public IReadOnlyList<string> AlertContactIds { get; }

    public AssignmentRules Rules { get; }

    public TenantConfiguration? FindTenant(string id) => _tenants.GetValueOrDefault(id);

    /// <summary>The facility and the tenant it belongs to, or null.</summary>
    public (TenantConfiguration Tenant, FacilityConfiguration Facility)? FindFacility(string id) =>
        _facilities.TryGetValue(id, out var found) ? found : null;

    public RadiologistConfiguration? FindRadiologist(string id) => _radiologists.GetValueOrDefault(id);

    public OperationsContact? FindOperationsContact(string id) => _contacts.GetValueOrDefault(id);
}
