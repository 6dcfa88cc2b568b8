using System.Text.Json;
using System.Text.RegularExpressions;
using Telerad.Reading.Rules;

namespace Telerad.Reading.Configuration.Json;

/// <summary><c>assignment-rules.json</c> (and the built-in defaults): subspecialty mapping and the RVU table.</summary>
internal static partial class RulesDocument
{
    [GeneratedRegex(@"^(?:\*|[A-Z0-9_]{1,16})$", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9\-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex SubspecialtyPattern();

    /// <summary>Reads the rules; a section the document leaves out comes from <paramref name="defaults"/>.</summary>
    public static AssignmentRules? Read(JsonElement root, string document, Problems problems, AssignmentRules? defaults)
    {
        var reader = ObjectReader.Open(root, new Location(document, "$"), problems);
        if (reader is null)
        {
            return null;
        }
        var unique = new UniqueIds("subspecialty");
        var subspecialties = reader.Array("subspecialties", required: defaults is null, (element, location) => Subspecialty(element, location, problems, unique))
            ?? defaults?.Subspecialties;
        var rvus = reader.Object("rvu", required: defaults is null) is { } rvuReader ? Rvus(rvuReader) : defaults?.Rvus;
        reader.Finish();
        return subspecialties is null || rvus is null ? null : new AssignmentRules(subspecialties, rvus);
    }

    private static Subspecialty? Subspecialty(JsonElement element, Location location, Problems problems, UniqueIds unique)
    {
        var reader = ObjectReader.Open(element, location, problems);
        if (reader is null)
        {
            return null;
        }
        var id = reader.String("id", required: true);
        if (id is not null && !SubspecialtyPattern().IsMatch(id))
        {
            reader.Report("id", ConfigurationErrorCodes.InvalidIdentifier, $"'{id}' is not a subspecialty id (lower case letters, digits and '-')");
            id = null;
        }
        else if (id == AssignmentRules.General)
        {
            reader.Report("id", ConfigurationErrorCodes.InvalidValue, "'general' is reserved: it is the subspecialty of studies no rule claims and needs no rule");
            id = null;
        }
        else if (id is not null)
        {
            unique.Add(id, location.Property("id"), problems);
        }
        var displayName = reader.String("displayName", required: true);
        var matches = reader.Array("matches", required: true, (e, l) => Match(e, l, problems), "a subspecialty needs at least one modality/body part match");
        reader.Finish();
        return id is null || displayName is null || matches is null ? null : new Subspecialty(id, displayName, matches);
    }

    private static SubspecialtyMatch? Match(JsonElement element, Location location, Problems problems)
    {
        var reader = ObjectReader.Open(element, location, problems);
        if (reader is null)
        {
            return null;
        }
        var modalities = reader.Strings("modalities", required: true, CheckCode, "'modalities' must name at least one code (or \"*\" for any)");
        var bodyParts = reader.Strings("bodyParts", required: true, CheckCode, "'bodyParts' must name at least one code (or \"*\" for any)");
        reader.Finish();
        return modalities is null || bodyParts is null ? null : new SubspecialtyMatch(modalities, bodyParts);
    }

    private static RvuTable? Rvus(ObjectReader reader)
    {
        var problems = reader.Problems;
        var defaultRvu = reader.Amount("default", required: true);
        var unique = new UniqueIds("RVU entry");
        var entries = reader.Array("table", required: true, (element, location) =>
        {
            var entry = ObjectReader.Open(element, location, problems);
            if (entry is null)
            {
                return null;
            }
            var modality = Code(entry, "modality");
            var bodyPart = Code(entry, "bodyPart");
            var rvu = entry.Amount("rvu", required: true);
            entry.Finish();
            if (modality is null || bodyPart is null || rvu is null)
            {
                return null;
            }
            unique.Add(modality + " " + bodyPart, location, problems);
            return new RvuEntry(modality, bodyPart, rvu.Value);
        });
        reader.Finish();
        return defaultRvu is null || entries is null ? null : new RvuTable(defaultRvu.Value, entries);
    }

    private static string? Code(ObjectReader reader, string name)
    {
        var text = reader.String(name, required: true);
        if (text is not null && CheckCode(text) is { } problem)
        {
            reader.Report(name, problem.Code, problem.Message);
            return null;
        }
        return text;
    }

    private static (string Code, string Message)? CheckCode(string text) =>
        CodePattern().IsMatch(text)
            ? null
            : (ConfigurationErrorCodes.InvalidValue, $"'{text}' is not a DICOM modality or body part code (upper case letters, digits and '_', at most 16) or \"*\"");
}
