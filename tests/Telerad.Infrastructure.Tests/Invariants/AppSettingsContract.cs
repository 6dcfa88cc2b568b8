using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Telerad.Fhir.Delivery;
using Telerad.Functions;
using Telerad.Ingestion;
using Telerad.Notifications;
using Telerad.Triage;
using Telerad.Workflow;

namespace Telerad.Infrastructure.Tests;

/// <summary>
/// The configuration the Functions app reads, taken from its code (FunctionSettings constants, the option records
/// bound to its sections, host.json's %setting% references), and the check that the app settings a template sets
/// are exactly keys the app reads, with every key it needs present. A renamed constant, section or option property
/// makes the templates' setting unknown, so the build's tests fail.
/// </summary>
internal static partial class AppSettingsContract
{
    /// <summary>
    /// Identity-based connections and what the app reads under each name. Storage follows the Azure SDK's convention
    /// (service URIs, credential, client id: the blob trigger reads them too); the Service Bus client is built by the
    /// app from the namespace and its own TokenCredential (Telerad:ManagedIdentityClientId), so it reads nothing else.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> Connections { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [FunctionSettings.StorageConnection] = ["blobServiceUri", "queueServiceUri", "tableServiceUri", "credential", "clientId"],
        [FunctionSettings.ServiceBusConnection] = ["fullyQualifiedNamespace"],
    };

    /// <summary>Settings of the host and platform, not of the app's code.</summary>
    public static readonly string[] PlatformPrefixes = ["AzureWebJobsStorage__", "APPLICATIONINSIGHTS_", "AzureFunctionsJobHost__"];

    public static readonly string[] PlatformNames = ["DURABLE_TASK_SCHEDULER_CONNECTION_STRING"];

    /// <summary>Option records and the sections they are bound from (TeleradFunctionsExtensions.AddTeleradServices).</summary>
    public static IReadOnlyDictionary<string, Type> Sections { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [FunctionSettings.IngestionSection] = typeof(IngestionOptions),
        [FunctionSettings.StudyAssemblySection] = typeof(StudyAssemblyOptions),
        [FunctionSettings.TriageSection] = typeof(TriageOptions),
        [FunctionSettings.LinksSection] = typeof(StudyLinkOptions),
        [FunctionSettings.FhirDeliverySection] = typeof(FhirDeliveryOptions),
    };

    /// <summary>Single keys the app reads.</summary>
    public static IReadOnlyList<string> SingleKeys { get; } = [FunctionSettings.KeyVaultUri, FunctionSettings.ManagedIdentityClientId, FunctionSettings.TriageModelFolder];

    /// <summary>Every FunctionSettings constant this contract knows how to check (a new one must be added here and to infra/).</summary>
    public static IReadOnlySet<string> KnownConstants { get; } = new HashSet<string>(
        [.. Connections.Keys, FunctionSettings.TenantsSection, .. Sections.Keys, .. SingleKeys], StringComparer.Ordinal);

    public static IEnumerable<string> FunctionSettingsConstants() =>
        typeof(FunctionSettings).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);

    /// <summary>App setting names (with "__") that host.json takes from the environment (%Name%).</summary>
    public static IReadOnlyList<string> HostJsonSettings() =>
        [.. HostJsonReference().Matches(File.ReadAllText(Path.Combine(Repository.Root, "host.json"))).Select(m => m.Groups[1].Value).Distinct()];

    /// <summary>
    /// Keys a deployment must set: the app does not start without them, or (the links) starts with a default that
    /// points at example.org. The others have defaults that are right in Azure.
    /// </summary>
    public static IReadOnlyList<string> Required() =>
    [
        .. Connections.SelectMany(c => c.Value.Select(suffix => $"{c.Key}__{suffix}")),
        Key(FunctionSettings.KeyVaultUri),
        Key(FunctionSettings.ManagedIdentityClientId),
        $"{FunctionSettings.LinksSection}__{nameof(StudyLinkOptions.ViewerUrlTemplate)}",
        $"{FunctionSettings.LinksSection}__{nameof(StudyLinkOptions.ApiBaseUrl)}",
        .. HostJsonSettings(),
    ];

    public static IEnumerable<string> Violations(IReadOnlyDictionary<string, string> settings)
    {
        foreach (var name in settings.Keys.Where(n => !IsRead(n)))
        {
            yield return $"{name} is set but the app does not read it";
        }

        foreach (var name in Required().Where(n => !settings.ContainsKey(n)))
        {
            yield return $"{name} is read by the app but not set";
        }

        foreach (var violation in BindingViolations(settings))
        {
            yield return violation;
        }
    }

    public static bool IsRead(string name)
    {
        if (PlatformPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)) || PlatformNames.Contains(name, StringComparer.Ordinal)
            || HostJsonSettings().Contains(name, StringComparer.Ordinal) || SingleKeys.Any(k => Key(k) == name))
        {
            return true;
        }

        var parts = name.Split("__");
        if (parts.Length == 2 && Connections.TryGetValue(parts[0], out var suffixes))
        {
            return suffixes.Contains(parts[1], StringComparer.Ordinal);
        }

        if (parts.Length == 2 && Sections.TryGetValue(parts[0], out var options))
        {
            return Bindable(options).Contains(parts[1], StringComparer.OrdinalIgnoreCase);
        }

        var tenants = Key(FunctionSettings.TenantsSection) + "__";
        if (name.StartsWith(tenants, StringComparison.Ordinal))
        {
            var rest = name[tenants.Length..].Split("__");
            return int.TryParse(rest[0], out _) && rest.Length switch
            {
                2 => Bindable(typeof(TenantSettings)).Contains(rest[1], StringComparer.OrdinalIgnoreCase),

                // A list of referrers (TenantSettings.Referrers), each with its list of names.
                4 => rest[1] == nameof(TenantSettings.Referrers) && int.TryParse(rest[2], out _) && Bindable(typeof(ReferrerMatch)).Contains(rest[3], StringComparer.OrdinalIgnoreCase),
                5 => rest[1] == nameof(TenantSettings.Referrers) && int.TryParse(rest[2], out _) && rest[3] == nameof(ReferrerMatch.ReferringPhysicianNames) && int.TryParse(rest[4], out _),
                _ => false,
            };
        }

        return false;
    }

    /// <summary>Literal values bind the way the app binds them (TeleradFunctionsExtensions) and pass its validation.</summary>
    private static IEnumerable<string> BindingViolations(IReadOnlyDictionary<string, string> settings)
    {
        var literal = settings.Where(s => !s.Value.StartsWith('[')).ToDictionary(s => s.Key.Replace("__", ":", StringComparison.Ordinal), s => (string?)s.Value);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(literal).Build();
        var problems = new List<string>();
        Try(() => (configuration.GetSection(FunctionSettings.IngestionSection).Get<IngestionOptions>() ?? new IngestionOptions()).Validate());
        Try(() => (configuration.GetSection(FunctionSettings.StudyAssemblySection).Get<StudyAssemblyOptions>() ?? new StudyAssemblyOptions()).Validate());
        Try(() => (configuration.GetSection(FunctionSettings.TriageSection).Get<TriageOptions>() ?? new TriageOptions()).Validate());
        Try(() => (configuration.GetSection(FunctionSettings.LinksSection).Get<StudyLinkOptions>() ?? new StudyLinkOptions()).Validate());
        Try(() => (configuration.GetSection(FunctionSettings.FhirDeliverySection).Get<FhirDeliveryOptions>() ?? new FhirDeliveryOptions()).EnsureValid());
        Try(() =>
        {
            foreach (var tenant in configuration.GetSection(FunctionSettings.TenantsSection).Get<List<TenantSettings>>() ?? [])
            {
                if (!TenantId().IsMatch(tenant.Id))
                {
                    problems.Add($"tenant id '{tenant.Id}' is not a letter or digit followed by letters, digits, '.', '_' or '-'");
                }
            }
        });
        return problems;

        void Try(Action bind)
        {
            try
            {
                bind();
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
            {
                problems.Add($"the app refuses its settings: {ex.Message}");
            }
        }
    }

    private static string Key(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);

    private static IEnumerable<string> Bindable(Type options) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name);

    [GeneratedRegex("%([A-Za-z0-9_]+)%")]
    private static partial Regex HostJsonReference();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex TenantId();
}
