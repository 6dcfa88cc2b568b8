using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Telerad.Infrastructure.Tests;

/// <summary>
/// The security invariants of issue 8, each a check over a predicted deployment that returns its violations
/// (empty: holds). Every check looks at every resource of the types it is about, whichever module made it.
/// The tests run each check on every environment (must hold) and on its broken fixture (must not).
/// </summary>
internal static partial class SecurityInvariants
{
    public const string StorageAccounts = "Microsoft.Storage/storageAccounts";
    public const string Sites = "Microsoft.Web/sites";
    public const string RoleAssignments = "Microsoft.Authorization/roleAssignments";
    public const string RoleDefinitions = "Microsoft.Authorization/roleDefinitions";
    public const string DiagnosticSettings = "Microsoft.Insights/diagnosticSettings";
    public const string SiteConfigs = "Microsoft.Web/sites/config";

    /// <summary>Shared key (account keys, SAS signed with them) is off on every storage account; local (key/SAS)
    /// authentication is off on Service Bus, Application Insights and Log Analytics.</summary>
    public static IEnumerable<string> SharedKeyAndLocalAuthDisabled(Deployment deployment)
    {
        foreach (var account in deployment.OfType(StorageAccounts))
        {
            if (!IsFalse(Deployment.At(account, "properties.allowSharedKeyAccess")))
            {
                yield return $"{Deployment.Name(account)}: allowSharedKeyAccess is not false";
            }
        }

        foreach (var (type, path) in new[]
        {
            ("Microsoft.ServiceBus/namespaces", "properties.disableLocalAuth"),
            ("Microsoft.Insights/components", "properties.DisableLocalAuth"),
            ("Microsoft.OperationalInsights/workspaces", "properties.features.disableLocalAuth"),
        })
        {
            foreach (var resource in deployment.OfType(type))
            {
                if (!IsTrue(Deployment.At(resource, path)))
                {
                    yield return $"{Deployment.Name(resource)}: {path} is not true";
                }
            }
        }
    }

    /// <summary>TLS 1.2 at least and HTTPS only: storage accounts, Service Bus namespaces, Function Apps.</summary>
    public static IEnumerable<string> Tls12(Deployment deployment)
    {
        foreach (var account in deployment.OfType(StorageAccounts))
        {
            if (Text(account, "properties.minimumTlsVersion") is not ("TLS1_2" or "TLS1_3"))
            {
                yield return $"{Deployment.Name(account)}: minimumTlsVersion is {Text(account, "properties.minimumTlsVersion") ?? "unset"}";
            }

            if (!IsTrue(Deployment.At(account, "properties.supportsHttpsTrafficOnly")))
            {
                yield return $"{Deployment.Name(account)}: supportsHttpsTrafficOnly is not true";
            }
        }

        foreach (var ns in deployment.OfType("Microsoft.ServiceBus/namespaces"))
        {
            if (Text(ns, "properties.minimumTlsVersion") is not ("1.2" or "1.3"))
            {
                yield return $"{Deployment.Name(ns)}: minimumTlsVersion is {Text(ns, "properties.minimumTlsVersion") ?? "unset"}";
            }
        }

        foreach (var site in deployment.OfType(Sites))
        {
            if (Text(site, "properties.siteConfig.minTlsVersion") is not ("1.2" or "1.3"))
            {
                yield return $"{Deployment.Name(site)}: siteConfig.minTlsVersion is {Text(site, "properties.siteConfig.minTlsVersion") ?? "unset"}";
            }

            if (!IsTrue(Deployment.At(site, "properties.httpsOnly")))
            {
                yield return $"{Deployment.Name(site)}: httpsOnly is not true";
            }
        }
    }

    /// <summary>Types whose public endpoint must be explicitly disabled when private networking is on.</summary>
    public static readonly IReadOnlyList<string> PrivateWhenNetworked =
    [
        StorageAccounts, "Microsoft.KeyVault/vaults", "Microsoft.ServiceBus/namespaces",
        "Microsoft.HealthcareApis/workspaces", "Microsoft.HealthcareApis/workspaces/dicomservices", "Microsoft.HealthcareApis/workspaces/fhirservices",
    ];

    /// <summary>
    /// With private networking, public network access is disabled on every resource that has the setting, except the
    /// Function App: Event Grid delivers blob events to its webhook from the public Event Grid service (the endpoint
    /// is HTTPS with the blobs_extension key; its outbound traffic goes through the VNet).
    /// </summary>
    public static IEnumerable<string> PublicNetworkAccessOffWhenPrivate(Deployment deployment)
    {
        if (!deployment.PrivateNetworking)
        {
            yield break;
        }

        foreach (var resource in deployment.Resources)
        {
            var type = Deployment.Type(resource);
            if (string.Equals(type, Sites, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = Text(resource, "properties.publicNetworkAccess");
            var required = PrivateWhenNetworked.Contains(type, StringComparer.OrdinalIgnoreCase);
            if ((value is not null || required) && value != "Disabled")
            {
                yield return $"{Deployment.Name(resource)} ({type}): publicNetworkAccess is {value ?? "unset"} with private networking on";
            }
        }
    }

    /// <summary>
    /// No output of the template or of any module (nested deployment outputs are kept in the deployment history)
    /// is secure-typed, named like a secret, or computed from a list*() call or a connection string.
    /// </summary>
    public static IEnumerable<string> NoSecretsInOutputs(Deployment deployment) => OutputViolations(deployment.Template, "main");

    /// <summary>Built-in roles that are never granted: Owner, Contributor, User Access Administrator, Role Based
    /// Access Control Administrator, Storage Blob Data Owner (ACLs and ownership), Key Vault Administrator.</summary>
    public static readonly IReadOnlyDictionary<string, string> ForbiddenRoles = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635"] = "Owner",
        ["b24988ac-6180-42a0-ab88-20f7382dd24c"] = "Contributor",
        ["18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"] = "User Access Administrator",
        ["f58310d9-a9f6-439a-9e8d-f62e7b41a168"] = "Role Based Access Control Administrator",
        ["b7e6dc6d-f1e8-4753-8033-0f276bb0955b"] = "Storage Blob Data Owner",
        ["00482a5a-887f-4fb3-b363-3b7fe8e74483"] = "Key Vault Administrator",
    };

    /// <summary>The built-in roles the templates may grant: data-plane roles only (no control-plane "Contributor" of any kind).</summary>
    public static readonly IReadOnlyDictionary<string, string> DataPlaneRoles = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["ba92f5b4-2d11-453d-a403-e96b0029c9fe"] = "Storage Blob Data Contributor",
        ["2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"] = "Storage Blob Data Reader",
        ["974c5e8b-45b9-4653-ba55-5f855dd0fb88"] = "Storage Queue Data Contributor",
        ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] = "Storage Table Data Contributor",
        ["4633458b-17de-408a-b874-0445c86b69e6"] = "Key Vault Secrets User",
        ["69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"] = "Azure Service Bus Data Sender",
        ["3913510d-42f4-4e42-8a64-420c390055eb"] = "Monitoring Metrics Publisher",
        ["0ad04412-c4d5-4796-b79c-f76d14c8d402"] = "Durable Task Data Contributor",
        ["58a3b984-7adf-4c20-983a-32417c86fbc8"] = "DICOM Data Owner",
        ["5a1fc7df-4bf1-4951-a576-89034ee01acd"] = "FHIR Data Contributor",
    };

    /// <summary>
    /// Least privilege: no role assignment grants a forbidden role, every one grants a data-plane role (or a custom
    /// role of the same deployment), every assignment is scoped to a resource (never a subscription or resource
    /// group), and custom roles hold no wildcard and no authorization actions.
    /// </summary>
    public static IEnumerable<string> LeastPrivilegeRoleAssignments(Deployment deployment)
    {
        var customRoles = deployment.OfType(RoleDefinitions).Select(Deployment.Name).ToList();
        foreach (var assignment in deployment.OfType(RoleAssignments))
        {
            var roleId = Text(assignment, "properties.roleDefinitionId") ?? "";
            var forbidden = ForbiddenRoles.Keys.FirstOrDefault(k => roleId.Contains(k, StringComparison.OrdinalIgnoreCase));
            if (forbidden is not null)
            {
                yield return $"{Deployment.Id(assignment)}: grants {ForbiddenRoles[forbidden]}";
            }
            else if (!DataPlaneRoles.Keys.Concat(customRoles).Any(k => roleId.EndsWith("/" + k, StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"{Deployment.Id(assignment)}: grants {roleId}, not a data-plane role";
            }

            var scope = ScopeOf(assignment);
            if (scope is null || !scope.Contains("/providers/", StringComparison.OrdinalIgnoreCase))
            {
                yield return $"{Deployment.Id(assignment)}: scope {scope ?? "unknown"} is not a resource";
            }
        }

        foreach (var role in deployment.OfType(RoleDefinitions))
        {
            if (Deployment.At(role, "properties.permissions") is not JsonArray permissions)
            {
                continue;
            }

            foreach (var action in permissions.OfType<JsonObject>().SelectMany(p => new[] { p["actions"], p["dataActions"] }).OfType<JsonArray>().SelectMany(a => a).Select(a => a?.ToString() ?? ""))
            {
                if (action.Contains('*', StringComparison.Ordinal) || action.StartsWith("Microsoft.Authorization/", StringComparison.OrdinalIgnoreCase))
                {
                    yield return $"{Deployment.Name(role)}: custom role allows {action}";
                }
            }
        }
    }

    /// <summary>
    /// Types that have no diagnostic settings to send (or are configuration of a resource that has them): everything
    /// else the templates deploy must have a diagnostic setting to Log Analytics whose scope is that resource.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> DiagnosticsExempt = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [DiagnosticSettings] = "is itself a diagnostic setting",
        [RoleAssignments] = "authorization, logged in the Activity Log",
        [RoleDefinitions] = "authorization, logged in the Activity Log",
        ["Microsoft.Resources/resourceGroups"] = "container, logged in the Activity Log",
        ["Microsoft.ManagedIdentity/userAssignedIdentities"] = "no diagnostic categories; sign-ins are in Entra ID logs",
        ["Microsoft.Network/privateEndpoints"] = "no diagnostic categories",
        ["Microsoft.Network/privateEndpoints/privateDnsZoneGroups"] = "configuration of the private endpoint",
        ["Microsoft.Network/privateDnsZones"] = "no diagnostic log categories",
        ["Microsoft.Network/privateDnsZones/virtualNetworkLinks"] = "configuration of the zone",
        ["Microsoft.Storage/storageAccounts/blobServices/containers"] = "logged by the blob service's setting",
        ["Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies"] = "logged by the blob service's setting",
        ["Microsoft.Storage/storageAccounts/tableServices/tables"] = "logged by the table service's setting",
        ["Microsoft.Storage/storageAccounts/managementPolicies"] = "configuration of the account",
        ["Microsoft.ServiceBus/namespaces/topics"] = "logged by the namespace's setting",
        ["Microsoft.ServiceBus/namespaces/topics/subscriptions"] = "logged by the namespace's setting",
        ["Microsoft.Web/sites/basicPublishingCredentialsPolicies"] = "configuration of the site",
        [SiteConfigs] = "configuration of the site (app settings, authentication)",
        ["Microsoft.EventGrid/systemTopics/eventSubscriptions"] = "logged by the system topic's setting",
        ["Microsoft.DurableTask/schedulers/taskHubs"] = "logged by the scheduler's setting",
        ["Microsoft.HealthcareApis/workspaces"] = "no diagnostic categories; its DICOM and FHIR services have settings",
    };

    /// <summary>Every deployed resource that is not exempt has a diagnostic setting that sends to a workspace.</summary>
    public static IEnumerable<string> DiagnosticSettingsOnEveryResource(Deployment deployment)
    {
        var settings = deployment.OfType(DiagnosticSettings).ToList();
        foreach (var resource in deployment.Resources.Where(r => !DiagnosticsExempt.ContainsKey(Deployment.Type(r))))
        {
            var id = Deployment.Id(resource);
            if (id.StartsWith('['))
            {
                yield return $"{id} ({Deployment.Type(resource)}): its id is only known at deployment, so its diagnostic setting cannot be checked";
                continue;
            }

            var prefix = id + "/providers/Microsoft.Insights/diagnosticSettings/";
            var matching = settings.Where(s => Deployment.Id(s).StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matching.Count == 0)
            {
                yield return $"{Deployment.Name(resource)} ({Deployment.Type(resource)}): no diagnostic setting";
            }
            else if (matching.All(s => string.IsNullOrEmpty(Text(s, "properties.workspaceId"))))
            {
                yield return $"{Deployment.Name(resource)} ({Deployment.Type(resource)}): its diagnostic setting sends to no workspace";
            }
        }
    }

    /// <summary>
    /// Every Function App runs as exactly one user-assigned identity (no system-assigned one) that the deployment
    /// creates, and uses it everywhere: host storage and app storage connections (credential managedidentity, client
    /// id of that identity), the deployment package, Application Insights (Entra ID ingestion), Key Vault references.
    /// </summary>
    public static IEnumerable<string> AppUsesItsManagedIdentity(Deployment deployment)
    {
        var identities = deployment.OfType("Microsoft.ManagedIdentity/userAssignedIdentities").Select(Deployment.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var site in deployment.OfType(Sites))
        {
            var name = Deployment.Name(site);
            var type = Text(site, "identity.type");
            var assigned = (Deployment.At(site, "identity.userAssignedIdentities") as JsonObject)?.Select(p => p.Key).ToList() ?? [];
            if (type != "UserAssigned" || assigned.Count != 1)
            {
                yield return $"{name}: identity is {type ?? "none"} with {assigned.Count} user-assigned identities (want exactly one, UserAssigned only)";
                continue;
            }

            var identityId = assigned[0];
            if (!identities.Contains(identityId))
            {
                yield return $"{name}: its identity {identityId} is not one the deployment creates";
                continue;
            }

            var settings = deployment.AppSettings(site);
            foreach (var connection in new[] { "AzureWebJobsStorage", "TeleradStorage" })
            {
                if (settings.GetValueOrDefault(connection + "__credential") != "managedidentity")
                {
                    yield return $"{name}: {connection}__credential is not managedidentity";
                }

                if (!settings.ContainsKey(connection + "__clientId"))
                {
                    yield return $"{name}: {connection}__clientId is missing";
                }
            }

            foreach (var (key, value) in settings.Where(s => s.Key.EndsWith("clientId", StringComparison.OrdinalIgnoreCase)))
            {
                if (!RefersToClientIdOf(value, identityId))
                {
                    yield return $"{name}: {key} is not the client id of {identityId}";
                }
            }

            if (!settings.TryGetValue("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", out var aiAuth) || !aiAuth.Contains("Authorization=AAD", StringComparison.Ordinal) || !RefersToClientIdOf(aiAuth, identityId))
            {
                yield return $"{name}: APPLICATIONINSIGHTS_AUTHENTICATION_STRING does not authenticate with the identity (Authorization=AAD)";
            }

            if (Text(site, "properties.functionAppConfig.deployment.storage.authentication.type") != "UserAssignedIdentity"
                || !string.Equals(Text(site, "properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"), identityId, StringComparison.OrdinalIgnoreCase))
            {
                yield return $"{name}: the deployment package is not read with the user-assigned identity";
            }

            if (!string.Equals(Text(site, "properties.keyVaultReferenceIdentity"), identityId, StringComparison.OrdinalIgnoreCase))
            {
                yield return $"{name}: keyVaultReferenceIdentity is not the user-assigned identity";
            }
        }
    }

    /// <summary>
    /// No app setting holds a key or a connection string with a secret: no plain storage connection strings, no
    /// account/SAS keys, no list*() calls; a setting named like a connection string is allowed only when it carries no
    /// secret (Application Insights with Entra ID ingestion, Durable Task Scheduler with managed identity).
    /// </summary>
    public static IEnumerable<string> NoSecretsInAppSettings(Deployment deployment)
    {
        foreach (var site in deployment.OfType(Sites))
        {
            var name = Deployment.Name(site);
            var settings = deployment.AppSettings(site);
            foreach (var (key, value) in settings)
            {
                if (key is "AzureWebJobsStorage" or "TeleradStorage" or "TeleradServiceBus" || key.EndsWith("__connectionString", StringComparison.OrdinalIgnoreCase))
                {
                    yield return $"{name}: {key} is a connection string (use the identity-based __blobServiceUri/__credential/__clientId form)";
                }

                if (SecretValue().IsMatch(value))
                {
                    yield return $"{name}: {key} holds a key or a list*() result";
                }

                if (ConnectionStringName().IsMatch(key))
                {
                    var allowed = key == "APPLICATIONINSIGHTS_CONNECTION_STRING"
                        ? settings.GetValueOrDefault("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "").Contains("Authorization=AAD", StringComparison.Ordinal)
                        : value.Contains("Authentication=ManagedIdentity", StringComparison.Ordinal);
                    if (!allowed)
                    {
                        yield return $"{name}: {key} is a connection string that does not authenticate with Entra ID";
                    }
                }
            }
        }
    }

    /// <summary>Where the Functions host takes extension webhooks (Event Grid deliveries to the blob trigger, the
    /// Durable Functions HTTP API): each extension's endpoint requires that extension's system key.</summary>
    public const string ExtensionWebhooks = "/runtime/webhooks/";

    /// <summary>
    /// Every Function App has App Service authentication (authsettingsV2) with Entra ID in front of every request:
    /// enabled, authentication required, 401 for a request without a valid token (no login redirect, no anonymous
    /// pass-through), an app registration and issuer to validate against, no token store (the app needs no user's
    /// tokens kept on the platform), HTTPS only. Paths excluded from it must be extension webhooks, which the Functions
    /// host protects with a system key. The reading API trusts X-MS-CLIENT-PRINCIPAL only because of this.
    /// </summary>
    public static IEnumerable<string> AppServiceAuthenticationRequired(Deployment deployment)
    {
        foreach (var site in deployment.OfType(Sites))
        {
            var name = Deployment.Name(site);
            if (deployment.SiteConfig(site, "authsettingsV2") is not { } auth)
            {
                yield return $"{name}: no App Service authentication (config/authsettingsV2)";
                continue;
            }

            if (!IsTrue(Deployment.At(auth, "properties.platform.enabled")))
            {
                yield return $"{name}: App Service authentication is not enabled (platform.enabled)";
            }

            if (!IsTrue(Deployment.At(auth, "properties.globalValidation.requireAuthentication")))
            {
                yield return $"{name}: globalValidation.requireAuthentication is not true";
            }

            if (Text(auth, "properties.globalValidation.unauthenticatedClientAction") != "Return401")
            {
                yield return $"{name}: unauthenticatedClientAction is {Text(auth, "properties.globalValidation.unauthenticatedClientAction") ?? "unset"}, not Return401";
            }

            if (!IsTrue(Deployment.At(auth, "properties.identityProviders.azureActiveDirectory.enabled"))
                || string.IsNullOrEmpty(Text(auth, "properties.identityProviders.azureActiveDirectory.registration.clientId"))
                || string.IsNullOrEmpty(Text(auth, "properties.identityProviders.azureActiveDirectory.registration.openIdIssuer")))
            {
                yield return $"{name}: Entra ID (azureActiveDirectory) is not enabled with a client id and an issuer";
            }

            if (Deployment.At(auth, "properties.identityProviders.azureActiveDirectory.validation.allowedAudiences") is not JsonArray { Count: > 0 })
            {
                yield return $"{name}: no allowed audiences for Entra ID tokens";
            }

            if (!IsFalse(Deployment.At(auth, "properties.login.tokenStore.enabled")))
            {
                yield return $"{name}: the token store is not off";
            }

            if (!IsTrue(Deployment.At(auth, "properties.httpSettings.requireHttps")))
            {
                yield return $"{name}: httpSettings.requireHttps is not true";
            }

            var excluded = (Deployment.At(auth, "properties.globalValidation.excludedPaths") as JsonArray)?.Select(p => p?.ToString() ?? "") ?? [];
            foreach (var path in excluded.Where(p => !p.StartsWith(ExtensionWebhooks, StringComparison.Ordinal) || p.Length == ExtensionWebhooks.Length || p.Contains('*', StringComparison.Ordinal)))
            {
                yield return $"{name}: {path} is excluded from authentication but is not one extension's webhook ({ExtensionWebhooks}{{extension}})";
            }
        }
    }

    /// <summary>The scope of a role assignment: its id up to /providers/Microsoft.Authorization, or the first argument
    /// of extensionResourceId() when the id is known only at deployment.</summary>
    public static string? ScopeOf(JsonObject assignment)
    {
        var id = Deployment.Id(assignment);
        var marker = id.IndexOf("/providers/Microsoft.Authorization/roleAssignments/", StringComparison.OrdinalIgnoreCase);
        if (!id.StartsWith('[') && marker > 0)
        {
            return id[..marker];
        }

        var match = ExtensionScope().Match(id);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static IEnumerable<string> OutputViolations(JsonObject template, string where)
    {
        if (template["outputs"] is JsonObject outputs)
        {
            foreach (var (name, output) in outputs)
            {
                var type = output?["type"]?.ToString() ?? "";
                var value = output?["value"]?.ToString() ?? output?["copy"]?.ToString() ?? "";
                if (type.StartsWith("secure", StringComparison.OrdinalIgnoreCase))
                {
                    yield return $"{where}: output {name} is {type}";
                }

                if (SecretName().IsMatch(name))
                {
                    yield return $"{where}: output {name} is named like a secret";
                }

                if (SecretValue().IsMatch(value) || value.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase))
                {
                    yield return $"{where}: output {name} is computed from a key, list*() call or connection string";
                }
            }
        }

        // Modules are nested deployments; their templates may sit in an array or an object of resources.
        var resources = template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject map => map.Select(p => p.Value).OfType<JsonObject>(),
            _ => [],
        };
        foreach (var resource in resources)
        {
            // A resource's properties may be one expression (a string), e.g. a site's computed appsettings.
            if (resource["properties"] is JsonObject properties && properties["template"] is JsonObject nested)
            {
                var nestedName = resource["name"]?.ToString() ?? "module";
                foreach (var violation in OutputViolations(nested, $"{where}/{nestedName}"))
                {
                    yield return violation;
                }
            }
        }
    }

    private static bool RefersToClientIdOf(string value, string identityId) =>
        value.Contains($"'{identityId}'", StringComparison.OrdinalIgnoreCase) && value.Contains(".clientId", StringComparison.Ordinal);

    private static string? Text(JsonObject resource, string path) => Deployment.At(resource, path) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool IsFalse(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && !b;

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    [GeneratedRegex(@"AccountKey=|SharedAccessKey=|SharedAccessSignature=|[?&;]sig=|Password=|\blist(Keys|Secrets|ConnectionStrings|AccountSas|ServiceSas|CallbackUrl)\s*\(|\.primaryKey\b|\.secondaryKey\b|\.primaryMasterKey\b", RegexOptions.IgnoreCase)]
    private static partial Regex SecretValue();

    [GeneratedRegex(@"secret|password|connectionstring|connection_string|accountkey|sharedaccess|sastoken|apikey|primarykey|secondarykey|instrumentationkey|masterkey|accesskey", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"connection_?string$", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringName();

    [GeneratedRegex(@"^\[extensionResourceId\('([^']+)'")]
    private static partial Regex ExtensionScope();
}
