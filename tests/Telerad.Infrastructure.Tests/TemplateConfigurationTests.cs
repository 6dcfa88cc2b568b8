using System.Reflection;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using Telerad.Azure;
using Telerad.Functions;
using Telerad.Notifications;
using Telerad.Storage;

namespace Telerad.Infrastructure.Tests;

/// <summary>
/// What the templates configure beyond the security invariants, against the contracts in code and docs/storage.md:
/// containers and tables, immutability of audit, lifecycle rules matching Ingestion:IncomingRetentionDays, Key Vault,
/// Service Bus topics, the Event Grid subscription of the IngestInstance trigger, Flex Consumption runtime, tags.
/// </summary>
[Collection(EnvironmentsCollection.Name)]
public sealed class TemplateConfigurationTests(EnvironmentsFixture environments)
{
    public static TheoryData<string> Environments() => EnvironmentsFixture.All();

    [Theory]
    [MemberData(nameof(Environments))]
    public void The_data_account_has_the_containers_and_tables_the_app_uses(string environment)
    {
        var deployment = environments[environment];
        var account = DataAccount(deployment);

        Assert.Equal(Containers.All.Order(), ChildNames(deployment, account, "blobServices/containers").Order());
        string[] tables = [TableIngestionState.LedgerTable, TableIngestionState.InstancesTable, TableReidentificationStore.DefaultTableName, TableAuditLog.DefaultTableName, TableReadingWorklist.DefaultTableName];
        Assert.Equal(tables.Order(), ChildNames(deployment, account, "tableServices/tables").Order());
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Audit_is_immutable_and_still_appendable(string environment)
    {
        var deployment = environments[environment];
        var audit = Deployment.Id(DataAccount(deployment)) + "/blobServices/default/containers/" + Containers.Audit;
        var container = deployment.Resources.Single(r => Deployment.Id(r) == audit);
        var policy = deployment.OfType("Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies").Single(r => Deployment.Id(r).StartsWith(audit + "/", StringComparison.Ordinal));

        Assert.True(Deployment.At(container, "properties.immutableStorageWithVersioning.enabled")!.GetValue<bool>());
        Assert.Equal(deployment.Parameter("auditRetentionDays")?.GetValue<int>() ?? 2190, Deployment.At(policy, "properties.immutabilityPeriodSinceCreationInDays")!.GetValue<int>());
        Assert.True(Deployment.At(policy, "properties.allowProtectedAppendWrites")!.GetValue<bool>());
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Incoming_expires_after_the_retention_the_app_is_told(string environment)
    {
        var deployment = environments[environment];
        var rules = LifecycleRules(deployment, DataAccount(deployment));
        var settings = deployment.AppSettings(deployment.OfType(SecurityInvariants.Sites).Single());

        var incomingDays = int.Parse(settings["Ingestion__IncomingRetentionDays"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(incomingDays, rules[Containers.Incoming + "/"]);
        Assert.Equal(deployment.Parameter("incomingRetentionDays")?.GetValue<int>() ?? 7, incomingDays);
        Assert.True(rules.ContainsKey(Containers.Quarantine + "/"));
        // Nothing else in the data account expires: de-identified studies, audit, models and configuration stay.
        Assert.Equal(2, rules.Count);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Storage_keeps_versions_and_deleted_blobs_and_encrypts_twice(string environment)
    {
        var deployment = environments[environment];
        foreach (var account in deployment.OfType(SecurityInvariants.StorageAccounts))
        {
            Assert.False(Deployment.At(account, "properties.allowBlobPublicAccess")!.GetValue<bool>());
            Assert.True(Deployment.At(account, "properties.encryption.requireInfrastructureEncryption")!.GetValue<bool>());
            var blobService = deployment.Resources.Single(r => Deployment.Id(r) == Deployment.Id(account) + "/blobServices/default");
            Assert.True(Deployment.At(blobService, "properties.isVersioningEnabled")!.GetValue<bool>());
            Assert.True(Deployment.At(blobService, "properties.deleteRetentionPolicy.enabled")!.GetValue<bool>());
            Assert.True(Deployment.At(blobService, "properties.containerDeleteRetentionPolicy.enabled")!.GetValue<bool>());
        }
    }

    /// <summary>Key Vault holds no key or secret made by a template: the link-signing key and the tenants' keys are
    /// secrets that scripts create (their values never pass through a deployment), and the app may only read secrets.</summary>
    [Theory]
    [MemberData(nameof(Environments))]
    public void Key_vault_uses_rbac_purge_protection_and_soft_delete(string environment)
    {
        var deployment = environments[environment];
        var vault = deployment.OfType("Microsoft.KeyVault/vaults").Single();

        Assert.True(Deployment.At(vault, "properties.enableRbacAuthorization")!.GetValue<bool>());
        Assert.True(Deployment.At(vault, "properties.enablePurgeProtection")!.GetValue<bool>());
        Assert.True(Deployment.At(vault, "properties.enableSoftDelete")!.GetValue<bool>());
        Assert.Null(Deployment.At(vault, "properties.accessPolicies"));
        Assert.DoesNotContain(deployment.Resources, r => Deployment.Type(r).StartsWith("Microsoft.KeyVault/vaults/", StringComparison.OrdinalIgnoreCase));
        var vaultRoles = deployment.OfType(SecurityInvariants.RoleAssignments).Where(a => SecurityInvariants.ScopeOf(a) is { } scope && scope.StartsWith(Deployment.Id(vault), StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(["Key Vault Secrets User"], vaultRoles.Select(a => SecurityInvariants.DataPlaneRoles[Deployment.At(a, "properties.roleDefinitionId")!.GetValue<string>().Split('/')[^1]]));
    }

    /// <summary>Every topic the app publishes to (NotificationTopics) exists with duplicate detection and a
    /// subscription, the app's identity may send to it, and every subscription dead-letters what expires.</summary>
    [Theory]
    [MemberData(nameof(Environments))]
    public void Service_bus_topics_detect_duplicates_and_subscriptions_dead_letter(string environment)
    {
        var deployment = environments[environment];
        var topics = deployment.OfType("Microsoft.ServiceBus/namespaces/topics").ToList();
        var subscriptions = deployment.OfType("Microsoft.ServiceBus/namespaces/topics/subscriptions").ToList();
        var published = typeof(NotificationTopics).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        var senders = deployment.OfType(SecurityInvariants.RoleAssignments)
            .Where(a => Deployment.At(a, "properties.roleDefinitionId")!.GetValue<string>().EndsWith("/69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", StringComparison.OrdinalIgnoreCase))
            .Select(SecurityInvariants.ScopeOf).ToList();

        // Every topic of the notification contract, and nothing else.
        Assert.Equal(Telerad.Notifications.NotificationTopics.All.Order(StringComparer.Ordinal), topics.Select(t => Deployment.Name(t).Split('/')[^1]).Order(StringComparer.Ordinal));
        Assert.All(topics, t => Assert.True(Deployment.At(t, "properties.requiresDuplicateDetection")!.GetValue<bool>()));
        Assert.All(topics, t => Assert.Contains(subscriptions, s => Deployment.Id(s).StartsWith(Deployment.Id(t) + "/subscriptions/", StringComparison.Ordinal)));
        Assert.All(topics, t => Assert.Contains(Deployment.Id(t), senders));
        Assert.All(subscriptions, s => Assert.True(Deployment.At(s, "properties.deadLetteringOnMessageExpiration")!.GetValue<bool>()));
    }

    /// <summary>The Event Grid subscription delivers what the IngestInstance trigger is declared for (its container,
    /// its function name, Event Grid source) to the blob extension endpoint, dead-lettering what it cannot deliver.</summary>
    [Fact]
    public void The_event_subscription_matches_the_ingest_instance_trigger()
    {
        var method = typeof(IngestInstanceFunction).GetMethod(nameof(IngestInstanceFunction.IngestInstance))!;
        var function = method.GetCustomAttribute<FunctionAttribute>()!.Name;
        var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<BlobTriggerAttribute>()).Single(a => a is not null)!;
        var container = trigger.BlobPath.Split('/')[0];
        Assert.Equal(BlobTriggerSource.EventGrid, trigger.Source);
        Assert.Equal(FunctionSettings.StorageConnection, trigger.Connection);

        var deployment = environments["all-options"];
        var topic = deployment.OfType("Microsoft.EventGrid/systemTopics").Single();
        var subscription = deployment.OfType("Microsoft.EventGrid/systemTopics/eventSubscriptions").Single();

        Assert.Equal(Deployment.Id(DataAccount(deployment)), Deployment.At(topic, "properties.source")!.GetValue<string>());
        Assert.Equal(["Microsoft.Storage.BlobCreated"], Deployment.At(subscription, "properties.filter.includedEventTypes")!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal($"/blobServices/default/containers/{container}/blobs/", Deployment.At(subscription, "properties.filter.subjectBeginsWith")!.GetValue<string>());
        var endpoint = Deployment.At(subscription, "properties.destination.properties.endpointUrl")!.GetValue<string>();
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.{1}", endpoint, StringComparison.Ordinal);
        Assert.Contains($"'{function}'", endpoint, StringComparison.Ordinal);
        Assert.Contains("systemKeys.blobs_extension", endpoint, StringComparison.Ordinal);
        Assert.Equal("StorageBlob", Deployment.At(subscription, "properties.deadLetterWithResourceIdentity.deadLetterDestination.endpointType")!.GetValue<string>());
        // App Service authentication lets the webhook through (Event Grid has no Entra token for the app); the host
        // checks the blobs_extension key of the URL instead.
        var auth = deployment.SiteConfig(deployment.OfType(SecurityInvariants.Sites).Single(), "authsettingsV2")!;
        Assert.Equal(["/runtime/webhooks/blobs"], Deployment.At(auth, "properties.globalValidation.excludedPaths")!.AsArray().Select(p => p!.GetValue<string>()));
        // Without the flag (first provision, before the app's code and key exist) there is no subscription.
        Assert.Empty(environments["dev"].OfType("Microsoft.EventGrid/systemTopics/eventSubscriptions"));
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void The_app_runs_on_flex_consumption_with_the_apps_dotnet_version(string environment)
    {
        var deployment = environments[environment];
        var plan = deployment.OfType("Microsoft.Web/serverfarms").Single();
        var site = deployment.OfType(SecurityInvariants.Sites).Single();
        var framework = typeof(IngestInstanceFunction).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName;

        Assert.Equal("FlexConsumption", Deployment.At(plan, "sku.tier")!.GetValue<string>());
        Assert.Equal("dotnet-isolated", Deployment.At(site, "properties.functionAppConfig.runtime.name")!.GetValue<string>());
        Assert.Equal(".NETCoreApp,Version=v" + Deployment.At(site, "properties.functionAppConfig.runtime.version")!.GetValue<string>(), framework);
        Assert.Equal(deployment.PrivateNetworking, Deployment.At(site, "properties.virtualNetworkSubnetId") is JsonValue);
    }

    /// <summary>With private networking, every data service the app reaches has a private endpoint per sub-resource,
    /// registered in a private DNS zone; without it, there are none.</summary>
    [Theory]
    [MemberData(nameof(Environments))]
    public void Private_endpoints_cover_storage_service_bus_and_key_vault(string environment)
    {
        var deployment = environments[environment];
        var endpoints = deployment.OfType("Microsoft.Network/privateEndpoints")
            .SelectMany(e => Deployment.At(e, "properties.privateLinkServiceConnections")!.AsArray().OfType<JsonObject>())
            .Select(c => (Target: Deployment.At(c, "properties.privateLinkServiceId")!.ToString(), Group: Deployment.At(c, "properties.groupIds")!.AsArray().Single()!.GetValue<string>()))
            .ToList();
        var expected = deployment.OfType(SecurityInvariants.StorageAccounts).SelectMany(a => new[] { "blob", "queue", "table" }.Select(g => (Deployment.Id(a), g)))
            .Append((Deployment.Id(deployment.OfType("Microsoft.ServiceBus/namespaces").Single()), "namespace"))
            .Append((Deployment.Id(deployment.OfType("Microsoft.KeyVault/vaults").Single()), "vault"))
            .ToList();

        if (!deployment.PrivateNetworking)
        {
            Assert.Empty(endpoints);
            return;
        }

        Assert.All(expected, e => Assert.Contains(endpoints, p => p.Group == e.Item2 && p.Target.Contains(e.Item1, StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(deployment.OfType("Microsoft.Network/privateEndpoints").Count(), deployment.OfType("Microsoft.Network/privateEndpoints/privateDnsZoneGroups").Count());
    }

    /// <summary>docs/storage.md "Per-tenant isolation": each uploader may create and write blobs under its own
    /// prefix of `incoming` and do nothing else (a role with only those data actions, a condition on the path).</summary>
    [Fact]
    public void Tenant_uploaders_can_only_write_under_their_prefix()
    {
        var deployment = environments["all-options"];
        var role = deployment.OfType(SecurityInvariants.RoleDefinitions).Single();
        var permission = Deployment.At(role, "properties.permissions")!.AsArray().Single()!.AsObject();
        var incoming = Deployment.Id(DataAccount(deployment)) + "/blobServices/default/containers/" + Containers.Incoming;
        var uploads = deployment.OfType(SecurityInvariants.RoleAssignments).Where(a => Deployment.At(a, "properties.condition") is not null).ToList();

        Assert.Empty(permission["actions"]!.AsArray());
        Assert.Equal(
            ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write"],
            permission["dataActions"]!.AsArray().Select(a => a!.GetValue<string>()).Order());
        Assert.Equal(["11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"], uploads.Select(a => Deployment.At(a, "properties.principalId")!.GetValue<string>()).Order());
        foreach (var (upload, tenant) in uploads.OrderBy(a => Deployment.At(a, "properties.principalId")!.GetValue<string>()).Zip(["hospital-a", "hospital-b"]))
        {
            Assert.Equal(incoming, SecurityInvariants.ScopeOf(upload));
            Assert.EndsWith("/" + Deployment.Name(role), Deployment.At(upload, "properties.roleDefinitionId")!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("2.0", Deployment.At(upload, "properties.conditionVersion")!.GetValue<string>());
            var condition = Deployment.At(upload, "properties.condition")!.GetValue<string>();
            Assert.Contains($"@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith '{tenant}/'", condition, StringComparison.Ordinal);
            Assert.Contains($"@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals '{Containers.Incoming}'", condition, StringComparison.Ordinal);
        }
    }

    /// <summary>App Service authentication validates tokens of the app registration the parameters name, issued by
    /// its tenant (v2.0 issuer), for its client id or its api:// application id URI.</summary>
    [Fact]
    public void App_service_authentication_uses_the_app_registration_of_the_parameters()
    {
        var deployment = environments["all-options"];
        var auth = deployment.SiteConfig(deployment.OfType(SecurityInvariants.Sites).Single(), "authsettingsV2")!;
        var clientId = deployment.Parameter("entraClientId")!.GetValue<string>();
        var tenantId = deployment.Parameter("entraTenantId")!.GetValue<string>();

        Assert.Equal(clientId, Deployment.At(auth, "properties.identityProviders.azureActiveDirectory.registration.clientId")!.GetValue<string>());
        Assert.Equal($"[format('{{0}}{{1}}/v2.0', environment().authentication.loginEndpoint, '{tenantId}')]", Deployment.At(auth, "properties.identityProviders.azureActiveDirectory.registration.openIdIssuer")!.GetValue<string>());
        Assert.Equal([clientId, "api://" + clientId], Deployment.At(auth, "properties.identityProviders.azureActiveDirectory.validation.allowedAudiences")!.AsArray().Select(a => a!.GetValue<string>()));
        // No client secret: the app validates bearer tokens and never signs anyone in.
        Assert.Null(Deployment.At(auth, "properties.identityProviders.azureActiveDirectory.registration.clientSecretSettingName"));
    }

    /// <summary>The app registration documented in docs/deployment.md (infra/entra) defines the app role the reading
    /// API checks for operations, asks for v2 tokens (the issuer App Service authentication is given) and exposes a
    /// delegated scope; role and scope ids are distinct GUIDs.</summary>
    [Fact]
    public void The_app_registration_defines_the_role_the_reading_api_checks()
    {
        var registration = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "infra", "entra", "reading-api-registration.json")))!;
        var roles = registration["appRoles"]!.AsArray().Select(r => r!).ToList();
        var scopes = registration["api"]!["oauth2PermissionScopes"]!.AsArray().Select(r => r!).ToList();

        Assert.Contains(roles, r => r["value"]!.GetValue<string>() == Telerad.Workflow.ReadingCaller.OperationsRole && r["isEnabled"]!.GetValue<bool>());
        Assert.All(roles, r => Assert.Equal(["User"], r["allowedMemberTypes"]!.AsArray().Select(m => m!.GetValue<string>())));
        Assert.Equal(2, registration["api"]!["requestedAccessTokenVersion"]!.GetValue<int>());
        Assert.Contains(scopes, s => s["value"]!.GetValue<string>() == "Reading.Access" && s["type"]!.GetValue<string>() == "User");
        var ids = roles.Concat(scopes).Select(r => Guid.Parse(r["id"]!.GetValue<string>())).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Every_located_resource_is_tagged_with_its_environment(string environment)
    {
        var deployment = environments[environment];
        var name = deployment.Parameter("environmentName")!.GetValue<string>();

        Assert.All(deployment.Resources.Where(r => r["location"] is not null), r =>
            Assert.Equal(name, Deployment.At(r, "tags.telerad-environment")?.GetValue<string>()));
    }

    private static JsonObject DataAccount(Deployment deployment) =>
        deployment.OfType(SecurityInvariants.StorageAccounts).Single(a =>
            deployment.Resources.Any(r => Deployment.Id(r) == Deployment.Id(a) + "/blobServices/default/containers/" + Containers.Incoming));

    private static List<string> ChildNames(Deployment deployment, JsonObject account, string path)
    {
        var prefix = Deployment.Id(account) + "/" + path.Split('/')[0] + "/default/" + path.Split('/')[1] + "/";
        return [.. deployment.Resources.Select(Deployment.Id).Where(id => id.StartsWith(prefix, StringComparison.Ordinal) && !id[prefix.Length..].Contains('/', StringComparison.Ordinal)).Select(id => id[prefix.Length..])];
    }

    /// <summary>Lifecycle delete rules of an account: prefix to days.</summary>
    private static Dictionary<string, int> LifecycleRules(Deployment deployment, JsonObject account)
    {
        var policy = deployment.OfType("Microsoft.Storage/storageAccounts/managementPolicies").Single(p => Deployment.Id(p).StartsWith(Deployment.Id(account) + "/", StringComparison.Ordinal));
        var rules = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rule in Deployment.At(policy, "properties.policy.rules")!.AsArray().OfType<JsonObject>())
        {
            foreach (var prefix in Deployment.At(rule, "definition.filters.prefixMatch")!.AsArray())
            {
                rules[prefix!.GetValue<string>()] = Deployment.At(rule, "definition.actions.baseBlob.delete.daysAfterCreationGreaterThan")!.GetValue<int>();
            }
        }

        return rules;
    }
}
