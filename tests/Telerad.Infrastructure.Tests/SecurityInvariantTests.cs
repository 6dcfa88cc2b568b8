namespace Telerad.Infrastructure.Tests;

/// <summary>Each security invariant holds on every environment's predicted deployment.</summary>
[Collection(EnvironmentsCollection.Name)]
public sealed class SecurityInvariantTests(EnvironmentsFixture environments)
{
    public static TheoryData<string> Environments() => EnvironmentsFixture.All();

    [Theory]
    [MemberData(nameof(Environments))]
    public void Shared_key_and_local_auth_are_disabled(string environment) =>
        Assert.Empty(SecurityInvariants.SharedKeyAndLocalAuthDisabled(environments[environment]));

    [Theory]
    [MemberData(nameof(Environments))]
    public void Tls_is_1_2_and_https_only(string environment) =>
        Assert.Empty(SecurityInvariants.Tls12(environments[environment]));

    [Theory]
    [MemberData(nameof(Environments))]
    public void Public_network_access_is_off_with_private_networking(string environment) =>
        Assert.Empty(SecurityInvariants.PublicNetworkAccessOffWhenPrivate(environments[environment]));

    [Theory]
    [MemberData(nameof(Environments))]
    public void Outputs_hold_no_secrets(string environment) =>
        Assert.Empty(SecurityInvariants.NoSecretsInOutputs(environments[environment]));

    [Theory]
    [MemberData(nameof(Environments))]
    public void Role_assignments_are_least_privilege(string environment) =>
        Assert.Empty(SecurityInvariants.LeastPrivilegeRoleAssignments(environments[environment]));

    [Theory]
    [MemberData(nameof(Environments))]
    public void Every_resource_has_diagnostic_settings(string environment) =>
        Assert.Empty(SecurityInvariants.DiagnosticSettingsOnEveryResource(environments[environment]));

    [Theory]
    [MemberData(nameof(Environments))]
    public void The_app_uses_its_managed_identity(string environment) =>
        Assert.Empty(SecurityInvariants.AppUsesItsManagedIdentity(environments[environment]));

    [Theory]
    [MemberData(nameof(Environments))]
    public void App_settings_hold_no_keys_or_connection_strings(string environment) =>
        Assert.Empty(SecurityInvariants.NoSecretsInAppSettings(environments[environment]));

    [Theory]
    [MemberData(nameof(Environments))]
    public void The_app_requires_app_service_authentication(string environment) =>
        Assert.Empty(SecurityInvariants.AppServiceAuthenticationRequired(environments[environment]));

    /// <summary>The checks are not vacuous: each environment has the resources they look at.</summary>
    [Theory]
    [MemberData(nameof(Environments))]
    public void The_checks_see_the_resources_they_are_about(string environment)
    {
        var deployment = environments[environment];

        Assert.Equal(2, deployment.OfType(SecurityInvariants.StorageAccounts).Count());
        var site = Assert.Single(deployment.OfType(SecurityInvariants.Sites));
        Assert.NotNull(deployment.SiteConfig(site, "authsettingsV2"));
        Assert.True(deployment.AppSettings(site).Count >= 20);
        Assert.Single(deployment.OfType("Microsoft.ServiceBus/namespaces"));
        Assert.Single(deployment.OfType("Microsoft.KeyVault/vaults"));
        Assert.True(deployment.OfType(SecurityInvariants.RoleAssignments).Count() >= 12);
        Assert.True(deployment.OfType(SecurityInvariants.DiagnosticSettings).Count() >= 15);
        Assert.NotEmpty(deployment.Template["outputs"]!.AsObject());
        Assert.Equal(environment is "prod" or "all-options", deployment.PrivateNetworking);
        Assert.Equal(deployment.PrivateNetworking, deployment.OfType("Microsoft.Network/virtualNetworks").Any());
    }
}

/// <summary>Each invariant fails on a template broken on purpose (tests/Telerad.Infrastructure.Tests/Broken).</summary>
public sealed class BrokenTemplateTests
{
    [Fact]
    public void Shared_key_on_a_storage_account_is_caught() =>
        Assert.Contains(SecurityInvariants.SharedKeyAndLocalAuthDisabled(TemplateWorkspace.DeployBroken("shared-key-enabled")),
            v => v.Contains("stbrokensharedkey: allowSharedKeyAccess is not false", StringComparison.Ordinal));

    [Fact]
    public void Local_auth_on_service_bus_is_caught() =>
        Assert.Contains(SecurityInvariants.SharedKeyAndLocalAuthDisabled(TemplateWorkspace.DeployBroken("service-bus-local-auth")),
            v => v.Contains("sb-broken-local-auth: properties.disableLocalAuth is not true", StringComparison.Ordinal));

    [Fact]
    public void Tls_1_0_is_caught() =>
        Assert.Contains(SecurityInvariants.Tls12(TemplateWorkspace.DeployBroken("tls-1-0")),
            v => v.Contains("stbrokentls: minimumTlsVersion is TLS1_0", StringComparison.Ordinal));

    [Fact]
    public void A_public_endpoint_with_private_networking_is_caught()
    {
        var deployment = TemplateWorkspace.DeployBroken("public-access-with-private-networking");

        Assert.True(deployment.PrivateNetworking);
        Assert.Contains(SecurityInvariants.PublicNetworkAccessOffWhenPrivate(deployment),
            v => v.Contains("kv-broken-public (Microsoft.KeyVault/vaults): publicNetworkAccess is Enabled", StringComparison.Ordinal));
    }

    [Fact]
    public void A_key_in_an_output_is_caught() =>
        Assert.Contains(SecurityInvariants.NoSecretsInOutputs(TemplateWorkspace.DeployBroken("secret-in-output")),
            v => v.Contains("output storageKey is computed from a key, list*() call or connection string", StringComparison.Ordinal));

    [Fact]
    public void Owner_on_the_resource_group_is_caught()
    {
        var violations = SecurityInvariants.LeastPrivilegeRoleAssignments(TemplateWorkspace.DeployBroken("owner-role-assignment")).ToList();

        Assert.Contains(violations, v => v.EndsWith("grants Owner", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.EndsWith("grants /subscriptions/" + Deployment.SubscriptionId + "/providers/Microsoft.Authorization/roleDefinitions/17d1049b-9a84-46fb-8f53-869881c3d3ab, not a data-plane role", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("scope /subscriptions/" + Deployment.SubscriptionId + "/resourceGroups/rg-broken is not a resource", StringComparison.Ordinal));
    }

    [Fact]
    public void A_resource_without_diagnostic_settings_is_caught() =>
        Assert.Contains(SecurityInvariants.DiagnosticSettingsOnEveryResource(TemplateWorkspace.DeployBroken("missing-diagnostics")),
            v => v.Contains("kv-broken-nodiag (Microsoft.KeyVault/vaults): no diagnostic setting", StringComparison.Ordinal));

    [Fact]
    public void An_app_without_its_user_assigned_identity_is_caught() =>
        Assert.Contains(SecurityInvariants.AppUsesItsManagedIdentity(TemplateWorkspace.DeployBroken("system-assigned-identity")),
            v => v.Contains("func-broken-identity: identity is SystemAssigned", StringComparison.Ordinal));

    [Fact]
    public void An_app_without_required_authentication_is_caught()
    {
        var violations = SecurityInvariants.AppServiceAuthenticationRequired(TemplateWorkspace.DeployBroken("anonymous-app")).ToList();

        Assert.Contains("func-broken-noauth: no App Service authentication (config/authsettingsV2)", violations);
        Assert.Contains("func-broken-anonymous: globalValidation.requireAuthentication is not true", violations);
        Assert.Contains("func-broken-anonymous: unauthenticatedClientAction is AllowAnonymous, not Return401", violations);
        Assert.Contains("func-broken-anonymous: the token store is not off", violations);
        Assert.Contains("func-broken-anonymous: /api/reading is excluded from authentication but is not one extension's webhook (/runtime/webhooks/{extension})", violations);
        Assert.Contains("func-broken-anonymous: /runtime/webhooks/* is excluded from authentication but is not one extension's webhook (/runtime/webhooks/{extension})", violations);
        Assert.DoesNotContain(violations, v => v.Contains("/runtime/webhooks/blobs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_storage_connection_string_with_the_account_key_is_caught()
    {
        var violations = SecurityInvariants.NoSecretsInAppSettings(TemplateWorkspace.DeployBroken("connection-string-setting")).ToList();

        Assert.Contains(violations, v => v.Contains("func-broken-connection: AzureWebJobsStorage is a connection string", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("func-broken-connection: AzureWebJobsStorage holds a key or a list*() result", StringComparison.Ordinal));
    }
}
