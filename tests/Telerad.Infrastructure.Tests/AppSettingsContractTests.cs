using Microsoft.Extensions.Configuration;
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
        var deployment = environments[environment];
        var site = Assert.Single(deployment.OfType(SecurityInvariants.Sites));

        Assert.Empty(AppSettingsContract.Violations(deployment.AppSettings(site)));
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
        var deployment = environments["all-options"];
        var settings = deployment.AppSettings(deployment.OfType(SecurityInvariants.Sites).Single());

        Assert.Equal("hospital-a", settings[$"{FunctionSettings.TenantsSection.Replace(":", "__", StringComparison.Ordinal)}__0__Id"]);
        Assert.Equal("00:02:00", settings["Telerad__Tenants__0__QuietPeriod"]);
        Assert.Equal("nw-ed", settings["Telerad__Tenants__0__DefaultReferrerId"]);
        Assert.Equal("hospital-b", settings["Telerad__Tenants__1__Id"]);
        Assert.False(settings.ContainsKey("Telerad__Tenants__1__FacilityId"));
        Assert.DoesNotContain(settings.Keys, k => k.StartsWith("Telerad__Tenants__1__Referrers", StringComparison.Ordinal));
    }

    /// <summary>
    /// Referrers recognised by name reach the app as the lists it binds, and resolve: the tenant's parameters say
    /// "ED^Attending" orders are nw-ed's and "Neurology^Clinic" orders nw-neuro's; anything else is the default's.
    /// </summary>
    [Fact]
    public void Referrers_from_the_parameters_bind_and_resolve_names_to_ids()
    {
        var deployment = environments["all-options"];
        var settings = deployment.AppSettings(deployment.OfType(SecurityInvariants.Sites).Single());
        Assert.Equal("ED^Attending", settings["Telerad__Tenants__0__Referrers__0__ReferringPhysicianNames__1"]);

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.ToDictionary(s => s.Key.Replace("__", ":", StringComparison.Ordinal), s => (string?)s.Value))
            .Build();
        var tenant = configuration.GetSection(FunctionSettings.TenantsSection).Get<List<Telerad.Ingestion.TenantSettings>>()![0];

        Assert.Equal(["nw-ed", "nw-neuro"], tenant.Referrers.Select(r => r.Id));
        Assert.Equal("nw-ed", Telerad.Ingestion.ReferrerMatch.Resolve(tenant, "ed^attending"));
        Assert.Equal("nw-neuro", Telerad.Ingestion.ReferrerMatch.Resolve(tenant, "Neurology^Clinic"));
        Assert.Equal("nw-ed", Telerad.Ingestion.ReferrerMatch.Resolve(tenant, "Someone^Else")); // the default
    }

    [Fact]
    public void A_renamed_or_missing_setting_is_caught()
    {
        var deployment = TemplateWorkspace.DeployBroken("renamed-setting");
        var violations = AppSettingsContract.Violations(deployment.AppSettings(deployment.OfType(SecurityInvariants.Sites).Single())).ToList();

        Assert.Contains("Ingestion__IncomingRetentionDay is set but the app does not read it", violations);
        Assert.Contains("Telerad__KeyVaultUrl is set but the app does not read it", violations);
        Assert.Contains("Telerad__KeyVaultUri is read by the app but not set", violations);
        Assert.Contains("TeleradTaskHub is read by the app but not set", violations);
        // The Service Bus client takes the app's TokenCredential: a credential setting under its name is not read.
        Assert.Contains("TeleradServiceBus__credential is set but the app does not read it", violations);
        Assert.Contains("TeleradServiceBus__fullyQualifiedNamespace is read by the app but not set", violations);
        Assert.Contains("Links__ViewerUrlTemplate is read by the app but not set", violations);
    }

    /// <summary>The app's identity sends to Service Bus: the namespace is the only setting, and it is the deployed
    /// namespace's host name (the SDK wants sb-x.servicebus.windows.net, not the https endpoint).</summary>
    [Theory]
    [MemberData(nameof(Environments))]
    public void Service_bus_is_reached_by_namespace_with_the_apps_identity(string environment)
    {
        var deployment = environments[environment];
        var settings = deployment.AppSettings(deployment.OfType(SecurityInvariants.Sites).Single());

        var serviceBus = settings.Where(s => s.Key.StartsWith(FunctionSettings.ServiceBusConnection, StringComparison.Ordinal)).ToList();
        var setting = Assert.Single(serviceBus);
        Assert.Equal($"{FunctionSettings.ServiceBusConnection}__fullyQualifiedNamespace", setting.Key);
        Assert.Contains("outputs.fullyQualifiedNamespace.value", setting.Value, StringComparison.Ordinal);
        Assert.Contains("'serviceBus'", setting.Value, StringComparison.Ordinal);
    }

    /// <summary>Links: the viewer template and lifetime come from the parameters; the API base URL is the site's own
    /// default host name with host.json's route prefix (the default, api: the app's HTTP routes hang under it).</summary>
    [Fact]
    public void Links_point_at_the_viewer_and_the_apps_own_api()
    {
        var deployment = environments["all-options"];
        var site = deployment.OfType(SecurityInvariants.Sites).Single();
        var settings = deployment.AppSettings(site);

        Assert.Equal(deployment.Parameter("viewerUrlTemplate")!.GetValue<string>(), settings["Links__ViewerUrlTemplate"]);
        Assert.Equal("08:00:00", settings["Links__Lifetime"]);
        var api = settings["Links__ApiBaseUrl"];
        Assert.StartsWith("[replace('https://{defaultHostName}/api', '{defaultHostName}', reference('" + Deployment.Id(site) + "'", api, StringComparison.Ordinal);
        Assert.EndsWith(").defaultHostName)]", api, StringComparison.Ordinal);
        var host = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "host.json")))!;
        Assert.Null(host["extensions"]?["http"]?["routePrefix"]);

        // Without the optional parameter the app keeps its own lifetime.
        var dev = environments["dev"];
        Assert.False(dev.AppSettings(dev.OfType(SecurityInvariants.Sites).Single()).ContainsKey("Links__Lifetime"));
    }

    [Fact]
    public void A_value_the_app_refuses_is_caught()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Ingestion__IncomingRetentionDays"] = "0",
            ["Telerad__Tenants__0__Id"] = "hospital/a",
            ["Links__ViewerUrlTemplate"] = "http://viewer.example.org/viewer?StudyInstanceUIDs={studyUid}",
        };

        var violations = AppSettingsContract.Violations(settings).ToList();

        Assert.Contains(violations, v => v.Contains("Ingestion:IncomingRetentionDays must be at least 1", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("tenant id 'hospital/a'", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("the viewer URL template must be an https URL with {studyUid} and {token}", StringComparison.Ordinal));
    }
}
