namespace Telerad.Ingestion.Tests;

/// <summary>Referring Physician's Name → the tenant's referrer id (the name itself never leaves ingestion).</summary>
public class ReferrerMatchTests
{
    private static readonly TenantSettings Tenant = new()
    {
        Id = "hospital-a",
        DefaultReferrerId = "hospital-a-general",
        Referrers =
        [
            new ReferrerMatch { Id = "nw-ed", ReferringPhysicianNames = ["Emergency^Department"] },
            new ReferrerMatch { Id = "nw-ortho", ReferringPhysicianNames = ["Bone^Anna^^Dr", "Orthopaedics"] },
        ],
    };

    [Theory]
    [InlineData("Emergency^Department", "nw-ed")]
    [InlineData("EMERGENCY^department^^^", "nw-ed")] // case and empty trailing components do not matter
    [InlineData(" Emergency ^ Department ", "nw-ed")] // blanks around components neither
    [InlineData("Emergency^Department=救急^部門", "nw-ed")] // the alphabetic group is compared
    [InlineData("Bone^Anna^^Dr", "nw-ortho")]
    [InlineData("Bone^Anna", "hospital-a-general")] // a different name: the prefix is not a match
    [InlineData("Orthopaedics^", "nw-ortho")]
    [InlineData("Someone^Else", "hospital-a-general")]
    [InlineData("", "hospital-a-general")]
    [InlineData(null, "hospital-a-general")]
    public void A_name_maps_to_its_referrer_or_to_the_tenants_default(string? name, string expected) =>
        Assert.Equal(expected, ReferrerMatch.Resolve(Tenant, name));

    [Fact]
    public void Without_a_default_an_unknown_name_has_no_referrer()
    {
        var tenant = Tenant with { DefaultReferrerId = null };
        Assert.Null(ReferrerMatch.Resolve(tenant, "Someone^Else"));
        Assert.Null(ReferrerMatch.Resolve(tenant, null));
        Assert.Equal("nw-ed", ReferrerMatch.Resolve(tenant, "emergency^department"));
    }
}
