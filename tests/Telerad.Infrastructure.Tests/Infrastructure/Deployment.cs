using System.Text.Json.Nodes;

namespace Telerad.Infrastructure.Tests;

/// <summary>
/// One parameter file's deployment as Bicep predicts it (`bicep snapshot`: every resource of every module, flattened,
/// with parameters, variables and conditions evaluated; values known only at deployment stay ARM expressions) plus the
/// compiled ARM template and the parameter values (`bicep build-params`).
/// </summary>
internal sealed record Deployment(string Environment, IReadOnlyList<JsonObject> Resources, JsonObject Parameters, JsonObject Template)
{
    public const string SubscriptionId = "00000000-0000-0000-0000-0000000000aa";
    public const string TenantId = "00000000-0000-0000-0000-0000000000bb";

    public bool PrivateNetworking => Parameter("privateNetworking")?.GetValue<bool>() ?? false;

    /// <summary>A parameter's value: from the parameter file, else the template's default (a literal default only).</summary>
    public JsonNode? Parameter(string name) => Parameters[name]?["value"] ?? Template["parameters"]?[name]?["defaultValue"];

    public IEnumerable<JsonObject> OfType(string type) =>
        Resources.Where(r => string.Equals(Type(r), type, StringComparison.OrdinalIgnoreCase));

    public static string Type(JsonObject resource) => resource["type"]?.GetValue<string>() ?? "";

    public static string Id(JsonObject resource) => resource["id"]?.GetValue<string>() ?? "";

    public static string Name(JsonObject resource) => resource["name"]?.GetValue<string>() ?? "";

    /// <summary>A string property by path ("properties.minimumTlsVersion"), or null when absent or not a string.</summary>
    public static JsonNode? At(JsonObject resource, string path)
    {
        JsonNode? node = resource;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        return node;
    }

    /// <summary>
    /// The app settings of a Microsoft.Web/sites resource, name to value: its <c>config/appsettings</c> resource (how
    /// infra/ sets them) and any siteConfig.appSettings on the site itself (the broken fixtures use that form). Both are
    /// read so that a setting in either place is checked.
    /// </summary>
    public IReadOnlyDictionary<string, string> AppSettings(JsonObject site)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (At(site, "properties.siteConfig.appSettings") is JsonArray array)
        {
            foreach (var item in array.OfType<JsonObject>())
            {
                settings[item["name"]!.GetValue<string>()] = item["value"]?.ToString() ?? "";
            }
        }

        if (SiteConfig(site, "appsettings")?["properties"] is JsonObject properties)
        {
            foreach (var (name, value) in properties)
            {
                settings[name] = value?.ToString() ?? "";
            }
        }

        return settings;
    }

    /// <summary>A configuration resource of a site (Microsoft.Web/sites/config, e.g. appsettings, authsettingsV2), or null.</summary>
    public JsonObject? SiteConfig(JsonObject site, string name) =>
        OfType("Microsoft.Web/sites/config").SingleOrDefault(c => string.Equals(Id(c), Id(site) + "/config/" + name, StringComparison.OrdinalIgnoreCase));

    public static Deployment Load(string name, string snapshotJson, string buildParamsJson)
    {
        var snapshot = JsonNode.Parse(snapshotJson)!.AsObject();
        var resources = snapshot["predictedResources"]!.AsArray().OfType<JsonObject>().ToList();
        var built = JsonNode.Parse(buildParamsJson)!.AsObject();
        var parameters = JsonNode.Parse(built["parametersJson"]!.GetValue<string>())!["parameters"]!.AsObject();
        var template = JsonNode.Parse(built["templateJson"]!.GetValue<string>())!.AsObject();
        return new Deployment(name, resources, parameters, template);
    }

    public override string ToString() => Environment;
}
