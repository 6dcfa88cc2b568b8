namespace Telerad.Ingestion;

/// <summary>What ingestion needs to know about a tenant (the full tenant configuration comes with the reading workflow).</summary>
public sealed record TenantSettings
{
    public required string Id { get; init; }

    /// <summary>De-identification profile name or file (see DeidentificationProfileJson).</summary>
    public string DeidentificationProfile { get; init; } = "reading";

    /// <summary>The facility these uploads come from (the reading workflow's facility id).</summary>
    public string? FacilityId { get; init; }

    /// <summary>Where the facility's patients are (licensure of readers), e.g. "US-CA".</summary>
    public string? Jurisdiction { get; init; }

    /// <summary>
    /// The referrer of studies whose Referring Physician's Name matches none of <see cref="Referrers"/> (a tenant with
    /// one referring department sets only this). Null: such studies have no referrer id.
    /// </summary>
    public string? DefaultReferrerId { get; init; }

    /// <summary>Referrers recognised by the Referring Physician's Name their studies carry.</summary>
    public IReadOnlyList<ReferrerMatch> Referrers { get; init; } = [];

    /// <summary>A study is complete this long after its last instance arrived, unless the manifest says so sooner.</summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>The configured tenants (config/tenants.json in Azure, a folder locally).</summary>
public interface ITenantDirectory
{
    TenantSettings? Find(string tenantId);
}

/// <summary>A fixed set of tenants (tests, the local runtime's defaults).</summary>
public sealed class StaticTenantDirectory(IEnumerable<TenantSettings> tenants) : ITenantDirectory
{
    private readonly Dictionary<string, TenantSettings> _tenants = tenants.ToDictionary(t => t.Id, StringComparer.Ordinal);

    public TenantSettings? Find(string tenantId) => _tenants.GetValueOrDefault(tenantId);
}
