using Microsoft.Extensions.Configuration;
using Telerad.Functions;
using Telerad.Ingestion;

namespace Telerad.Functions.Tests;

/// <summary>Tenant settings bind from app settings the way the app binds them (TeleradFunctionsExtensions), referrers included.</summary>
public class TenantSettingsBindingTests
{
    [Fact]
    public void Referrers_and_the_default_referrer_bind_from_app_settings()
    {
        var prefix = FunctionSettings.TenantsSection;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{prefix}:0:Id"] = "hospital-a",
            [$"{prefix}:0:DefaultReferrerId"] = "general",
            [$"{prefix}:0:Referrers:0:Id"] = "nw-ed",
            [$"{prefix}:0:Referrers:0:ReferringPhysicianNames:0"] = "Emergency^Department",
            [$"{prefix}:0:Referrers:0:ReferringPhysicianNames:1"] = "ED^Triage",
            [$"{prefix}:1:Id"] = "hospital-b",
        }).Build();

        var tenants = configuration.GetSection(prefix).Get<List<TenantSettings>>()!;

        Assert.Equal(["hospital-a", "hospital-b"], tenants.Select(t => t.Id));
        Assert.Equal("nw-ed", ReferrerMatch.Resolve(tenants[0], "ed^triage"));
        Assert.Equal("general", ReferrerMatch.Resolve(tenants[0], "Someone^Else"));
        Assert.Null(ReferrerMatch.Resolve(tenants[1], "Emergency^Department"));
    }
}
