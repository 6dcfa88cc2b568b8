using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telerad.Deidentification;

/// <summary>
/// Profiles as configuration: a built-in name ("reading", "basic") or a JSON file such as
/// <code>
/// { "name": "research", "options": ["RetainUids", "CleanDescriptors"],
///   "minDateShiftDays": 30, "maxDateShiftDays": 400,
///   "regionBlanking": [ { "manufacturer": "ACME", "manufacturerModelName": "US-1", "rows": 480, "columns": 640,
///                         "regions": [ { "x": 0, "y": 0, "width": 640, "height": 40 } ] } ] }
/// </code>
/// Unknown options and invalid combinations are refused with a message that says what is allowed.
/// </summary>
public static class DeidentificationProfileJson
{
    public static IReadOnlyDictionary<string, DeidentificationProfile> BuiltIn { get; } = new Dictionary<string, DeidentificationProfile>(StringComparer.OrdinalIgnoreCase)
    {
        ["reading"] = DeidentificationProfile.Reading,
        ["basic"] = DeidentificationProfile.Basic,
    };

    /// <summary>A built-in profile by name, or a profile file by path.</summary>
    public static DeidentificationProfile Load(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        if (BuiltIn.TryGetValue(nameOrPath, out var builtIn))
        {
            return builtIn;
        }

        if (!File.Exists(nameOrPath))
        {
            throw new ArgumentException($"'{nameOrPath}' is neither a built-in profile ({string.Join(", ", BuiltIn.Keys)}) nor a profile file.");
        }

        return Parse(File.ReadAllText(nameOrPath), Path.GetFileName(nameOrPath));
    }

    public static DeidentificationProfile Parse(string json, string source = "profile")
    {
        ProfileDocument document;
        try
        {
            document = JsonSerializer.Deserialize(json, ProfileJsonContext.Default.ProfileDocument)
                ?? throw new ArgumentException($"{source}: the profile is empty.");
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"{source}: not a valid profile document ({ex.Message}).", ex);
        }

        var options = new HashSet<DeidentificationOption>();
        foreach (var name in document.Options ?? [])
        {
            if (!Enum.TryParse<DeidentificationOption>(name, ignoreCase: true, out var option) || int.TryParse(name, out _))
            {
                throw new ArgumentException($"{source}: unknown option '{name}'. Options: {string.Join(", ", Enum.GetNames<DeidentificationOption>())}.");
            }

            options.Add(option);
        }

        var profile = new DeidentificationProfile
        {
            Name = string.IsNullOrWhiteSpace(document.Name) ? Path.GetFileNameWithoutExtension(source) : document.Name,
            Options = options,
            MinDateShiftDays = document.MinDateShiftDays ?? DeidentificationProfile.Reading.MinDateShiftDays,
            MaxDateShiftDays = document.MaxDateShiftDays ?? DeidentificationProfile.Reading.MaxDateShiftDays,
            RegionBlanking = [.. (document.RegionBlanking ?? []).Select(r => new RegionBlankingRule
            {
                Manufacturer = r.Manufacturer ?? string.Empty,
                ManufacturerModelName = r.ManufacturerModelName ?? string.Empty,
                Rows = r.Rows,
                Columns = r.Columns,
                Regions = [.. (r.Regions ?? []).Select(g => new BlankRegion(g.X, g.Y, g.Width, g.Height))],
            })],
        };
        profile.Validate();
        return profile;
    }

    internal sealed record ProfileDocument(
        string? Name,
        IReadOnlyList<string>? Options,
        int? MinDateShiftDays,
        int? MaxDateShiftDays,
        IReadOnlyList<RuleDocument>? RegionBlanking);

    internal sealed record RuleDocument(string? Manufacturer, string? ManufacturerModelName, int Rows, int Columns, IReadOnlyList<RegionDocument>? Regions);

    internal sealed record RegionDocument(int X, int Y, int Width, int Height);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(DeidentificationProfileJson.ProfileDocument))]
internal sealed partial class ProfileJsonContext : JsonSerializerContext;
