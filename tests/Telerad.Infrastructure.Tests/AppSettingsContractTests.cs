using Telerad.Functions;

namespace Telerad.Infrastructure.Tests;

/// <summary>The app settings the templates set are the configuration the Functions app reads.</summary>
[Collection(EnvironmentsCollection.Name)]
public sealed class AppSettingsContractTests(EnvironmentsFixture environments)
{
    public static TheoryData<string> Environments() => EnvironmentsFixture.All();

    [Theory]
    [MemberData(nameof(Environments))]
    public void The_templates_set_exactly_what_the_app_reads(string environment)
    {
        var site = Assert.Single(environments[environment].OfType(SecurityInvariants.Sites));

        Assert.Empty(AppSettingsContract.Violations(Deployment.AppSettings(site)));
    }

    [Fact]
    public void Every_setting_the_app_declares_is_covered_by_the_contract()
    {
        var constants = AppSettingsContract.FunctionSettingsConstants().ToList();

        Assert.NotEmpty(constants);
        Assert.All(constants, c => Assert.True(AppSettingsContract.KnownConstants.Contains(c), $"FunctionSettings has '{c}': set it in infra/main.bicep and teach AppSettingsContract about it."));
    }

    [Fact]
    public void Host_json_settings_are_found()
    {
        // host.json names its Durable task hub through an app setting; finding none would make the check vacuous.
        Assert.Contains("TeleradTaskHub", AppSettingsContract.HostJsonSettings());
    }

    [Fact]
    public void Tenants_from_the_parameters_reach_the_app_settings()
    {
        var settings = Deployment.AppSettings(environments["all-options"].OfType(SecurityInvariants.Sites).Single());

        Assert.Equal("hospital-a", settings[$"{FunctionSettings.TenantsSection.Replace(":", "__", StringComparison.Ordinal)}__0__Id"]);
        Assert.Equal("00:02:00", settings["Telerad__Tenants__0__QuietPeriod"]);
        Assert.Equal("hospital-b", settings["Telerad__Tenants__1__Id"]);
        Assert.False(settings.ContainsKey("Telerad__Tenants__1__FacilityId"));
    }

    [Fact]
    public void A_renamed_or_missing_setting_is_caught()
    {
        var site = TemplateWorkspace.DeployBroken("renamed-setting").OfType(SecurityInvariants.Sites).Single();
        var violations = AppSettingsContract.Violations(Deployment.AppSettings(site)).ToList();

        Assert.Contains("Ingestion__IncomingRetentionDay is set but the app does not read it", violations);
        Assert.Contains("Telerad__KeyVaultUrl is set but the app does not read it", violations);
        Assert.Contains("Telerad__KeyVaultUri is read by the app but not set", violations);
        Assert.Contains("TeleradTaskHub is read by the app but not set", violations);
    }

    [Fact]
    public void A_value_the_app_refuses_is_caught()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Ingestion__IncomingRetentionDays"] = "0",
            ["Telerad__Tenants__0__Id"] = "hospital/a",
        };

        var violations = AppSettingsContract.Violations(settings).ToList();

        Assert.Contains(violations, v => v.Contains("Ingestion:IncomingRetentionDays must be at least 1", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("tenant id 'hospital/a'", StringComparison.Ordinal));
    }
}
