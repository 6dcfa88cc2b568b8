namespace Telerad.Ingestion;

/// <summary>
/// A tenant's referrer (the reading configuration's referrer id, whose FHIR endpoint receives the report) and the
/// Referring Physician's Names (0008,0090) its orders carry. Ingestion maps the name to the id while it still sees
/// the original header; only the id goes on, never the name.
/// </summary>
public sealed record ReferrerMatch
{
    public required string Id { get; init; }

    /// <summary>DICOM person names, e.g. "Emergency^Department" or "Smith^Jane^^Dr".</summary>
    public IReadOnlyList<string> ReferringPhysicianNames { get; init; } = [];

    /// <summary>
    /// The referrer id for an instance's Referring Physician's Name: the first referrer that lists the name (compared
    /// without case, blanks around components or empty trailing components, alphabetic group only), else the tenant's
    /// default referrer, else null.
    /// </summary>
    public static string? Resolve(TenantSettings tenant, string? referringPhysicianName)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var name = Normalize(referringPhysicianName);
        if (name.Length > 0)
        {
            foreach (var referrer in tenant.Referrers)
            {
                if (referrer.ReferringPhysicianNames.Any(n => string.Equals(Normalize(n), name, StringComparison.OrdinalIgnoreCase)))
                {
                    return referrer.Id;
                }
            }
        }

        return tenant.DefaultReferrerId;
    }

    /// <summary>The alphabetic component group, components trimmed, empty trailing components dropped.</summary>
    internal static string Normalize(string? personName)
    {
        if (string.IsNullOrWhiteSpace(personName))
        {
            return string.Empty;
        }

        var alphabetic = personName.Split('=')[0];
        var components = alphabetic.Split('^').Select(c => c.Trim()).ToList();
        while (components.Count > 0 && components[^1].Length == 0)
        {
            components.RemoveAt(components.Count - 1);
        }

        return string.Join('^', components);
    }
}
