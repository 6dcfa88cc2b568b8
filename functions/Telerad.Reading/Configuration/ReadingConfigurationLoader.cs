using System.Text.Json;
using Telerad.Reading.Configuration.Json;
using Telerad.Reading.Rules;

namespace Telerad.Reading.Configuration;

/// <summary>
/// Reads the configuration documents and builds one validated <see cref="ReadingConfiguration"/>, or reports every
/// problem found in all documents together (docs/configuration.md). Documents are read in dependency order
/// (assignment rules, operations, tenants, radiologists) so references can be checked against what came before.
/// </summary>
public static class ReadingConfigurationLoader
{
    public const string TenantsDocument = "tenants.json";
    public const string RadiologistsDocument = "radiologists.json";
    public const string OperationsDocument = "operations.json";

    /// <summary>Optional: replaces the built-in subspecialty mapping and/or RVU table.</summary>
    public const string RulesDocument = "assignment-rules.json";

    private const string DefaultRulesResource = "Telerad.Reading.default-assignment-rules.json";

    private static readonly JsonDocumentOptions JsonOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    private static readonly Lazy<AssignmentRules> Defaults = new(LoadDefaultRules);

    /// <summary>The built-in subspecialty mapping and RVU table.</summary>
    public static AssignmentRules DefaultRules => Defaults.Value;

    /// <summary>Loads and validates; throws <see cref="ReadingConfigurationException"/> listing every problem.</summary>
    public static async Task<ReadingConfiguration> LoadAsync(IReadingConfigurationStore store, CancellationToken cancellationToken = default)
    {
        var result = await TryLoadAsync(store, cancellationToken).ConfigureAwait(false);
        return result.Configuration ?? throw new ReadingConfigurationException(result.Errors);
    }

    /// <summary>Loads and validates; the result has either the configuration or the problems.</summary>
    public static async Task<ConfigurationLoadResult> TryLoadAsync(IReadingConfigurationStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var documents = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        foreach (var name in new[] { RulesDocument, OperationsDocument, TenantsDocument, RadiologistsDocument })
        {
            documents[name] = await store.ReadAsync(name, cancellationToken).ConfigureAwait(false);
        }
        return Build(documents);
    }

    private static ConfigurationLoadResult Build(Dictionary<string, byte[]?> documents)
    {
        var problems = new Problems();
        var known = new KnownIds();

        var rules = DefaultRules;
        if (Parse(documents[RulesDocument], RulesDocument, required: false, problems) is { } rulesJson)
        {
            using (rulesJson)
            {
                rules = Json.RulesDocument.Read(rulesJson.RootElement, RulesDocument, problems, DefaultRules) ?? rules;
            }
        }
        known.Subspecialties.Add(AssignmentRules.General);
        known.Subspecialties.UnionWith(rules.Subspecialties.Select(s => s.Id));
        known.SubspecialtiesKnown = true;

        (IReadOnlyList<OperationsContact> Contacts, IReadOnlyList<string> AlertContacts)? operations = null;
        if (Parse(documents[OperationsDocument], OperationsDocument, required: true, problems) is { } operationsJson)
        {
            using (operationsJson)
            {
                operations = Json.OperationsDocument.Read(operationsJson.RootElement, OperationsDocument, problems, known);
            }
        }

        IReadOnlyList<TenantConfiguration>? tenants = null;
        if (Parse(documents[TenantsDocument], TenantsDocument, required: true, problems) is { } tenantsJson)
        {
            using (tenantsJson)
            {
                tenants = Json.TenantsDocument.Read(tenantsJson.RootElement, TenantsDocument, problems, known);
            }
        }

        IReadOnlyList<RadiologistConfiguration>? radiologists = null;
        if (Parse(documents[RadiologistsDocument], RadiologistsDocument, required: true, problems) is { } radiologistsJson)
        {
            using (radiologistsJson)
            {
                radiologists = Json.RadiologistsDocument.Read(radiologistsJson.RootElement, RadiologistsDocument, problems, known);
            }
        }

        if (problems.Count > 0 || operations is null || tenants is null || radiologists is null)
        {
            return new ConfigurationLoadResult(null, problems.Errors);
        }
        return new ConfigurationLoadResult(new ReadingConfiguration(tenants, radiologists, operations.Value.Contacts, operations.Value.AlertContacts, rules), []);
    }

    private static JsonDocument? Parse(byte[]? bytes, string name, bool required, Problems problems)
    {
        if (bytes is null)
        {
            if (required)
            {
                problems.Add(name, "$", ConfigurationErrorCodes.MissingDocument, $"the document {name} is missing from the configuration");
            }
            return null;
        }
        try
        {
            return JsonDocument.Parse(bytes, JsonOptions);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : string.Empty;
            problems.Add(name, "$", ConfigurationErrorCodes.InvalidJson, $"{name} is not valid JSON{where}");
            return null;
        }
    }

    private static AssignmentRules LoadDefaultRules()
    {
        using var stream = typeof(ReadingConfigurationLoader).Assembly.GetManifestResourceStream(DefaultRulesResource)
            ?? throw new InvalidOperationException($"the embedded resource {DefaultRulesResource} is missing");
        using var json = JsonDocument.Parse(stream, JsonOptions);
        var problems = new Problems();
        var rules = Json.RulesDocument.Read(json.RootElement, "default-assignment-rules.json", problems, defaults: null);
        return problems.Count == 0 && rules is not null
            ? rules
            : throw new ReadingConfigurationException(problems.Errors);
    }
}

/// <summary>The outcome of <see cref="ReadingConfigurationLoader.TryLoadAsync"/>: a configuration, or every problem found.</summary>
public sealed record ConfigurationLoadResult(ReadingConfiguration? Configuration, IReadOnlyList<ConfigurationError> Errors)
{
    public bool Succeeded => Configuration is not null;
}
