using Telerad.Reading.Configuration;

namespace Telerad.Local;

/// <summary>
/// Ingestion's settings for Telerad.Local's tenants (<c>--tenant</c>). In Azure they are app settings; here they come
/// from the reading configuration in <c>{data}/config</c> (the demo's unless replaced), read once at start: a tenant
/// with one facility gets its id and jurisdiction, one with one referrer gets it as the default referrer, so the demo's
/// summaries name them as a hospital's would. Without a readable configuration, the ids alone (reading reports the
/// configuration's errors itself).
/// </summary>
public static class LocalTenantSettings
{
    public static async Task<IReadOnlyList<TenantSettings>> LoadAsync(LocalOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loaded = await ReadingConfigurationLoader.TryLoadAsync(LocalReadingConfiguration.Open(options), cancellationToken);
        return [.. options.Tenants.Select(id => loaded.Configuration?.FindTenant(id) is { } reading
            ? From(id, options.QuietPeriod, reading.Facilities, reading.Referrers)
            : From(id, options.QuietPeriod, [], []))];
    }

    internal static TenantSettings From(string id, TimeSpan quietPeriod, IReadOnlyList<FacilityConfiguration> facilities, IReadOnlyList<ReferrerConfiguration> referrers)
    {
        var facility = facilities is [var only] ? only : null;
        return new TenantSettings
        {
            Id = id,
            QuietPeriod = quietPeriod,
            FacilityId = facility?.Id,
            Jurisdiction = facility?.Jurisdiction,
            DefaultReferrerId = referrers is [var referrer] ? referrer.Id : null,
        };
    }
}
