using System.Text.Json.Nodes;
using Telerad.Reading.Configuration;
using Telerad.Reading.Rules;
using Telerad.Reading.Tests.Infrastructure;

namespace Telerad.Reading.Tests.Configuration;

public sealed class AssignmentRulesTests
{
    private static AssignmentRules Defaults => ReadingConfigurationLoader.DefaultRules;

    [Theory]
    [InlineData("CT", "HEAD", "neuro")]
    [InlineData("MR", "BRAIN", "neuro")]
    [InlineData("MR", "LSPINE", "neuro")]
    [InlineData("ct", " head ", "neuro")] // codes are compared trimmed and upper case
    [InlineData("CR", "CHEST", "chest")]
    [InlineData("DX", "CHEST", "chest")]
    [InlineData("CT", "CHEST", "chest")]
    [InlineData("CT", "ABDOMENPELVIS", "body")]
    [InlineData("US", "ABDOMEN", "body")]
    [InlineData("MR", "KNEE", "msk")]
    [InlineData("CR", "WRIST", "msk")]
    [InlineData("MG", "BREAST", "breast")]
    [InlineData("MG", "", "breast")]
    public void Default_mapping_gives_the_expected_subspecialty(string modality, string bodyPart, string expected) =>
        Assert.Equal([expected], Defaults.SubspecialtiesFor(modality, bodyPart));

    [Theory]
    [InlineData("CR", "HEAD")] // skull films: no subspecialty claims them
    [InlineData("XA", "HEART")]
    [InlineData("CT", "")]
    [InlineData("US", "THYROID")]
    public void Studies_no_rule_claims_are_general(string modality, string bodyPart) =>
        Assert.Empty(Defaults.SubspecialtiesFor(modality, bodyPart));

    [Theory]
    [InlineData("CT", "HEAD", "0.85")]
    [InlineData("CT", "LIVER", "1.2")] // the modality's "*" entry
    [InlineData("MR", "BRAIN", "1.48")]
    [InlineData("CR", "CHEST", "0.22")]
    [InlineData("CR", "HAND", "0.2")]
    [InlineData("XA", "HEART", "1.0")] // the default
    public void Default_rvu_table_lookups(string modality, string bodyPart, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Defaults.Rvus.Estimate(modality, bodyPart));

    [Fact]
    public void The_defaults_are_the_shipped_data_file()
    {
        // Independent read of the embedded file: every subspecialty id in it is what the rules expose, in order.
        var path = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "functions", "Telerad.Reading", "Rules", "default-assignment-rules.json");
        var json = JsonNode.Parse(File.ReadAllText(path), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        Assert.Equal(json["subspecialties"]!.AsArray().Select(s => (string)s!["id"]!), Defaults.Subspecialties.Select(s => s.Id));
        Assert.Equal(json["rvu"]!["table"]!.AsArray().Count, Defaults.Rvus.Entries.Count);
    }

    [Fact]
    public void An_assignment_rules_document_replaces_the_sections_it_gives()
    {
        var docs = new ConfigDocuments
        {
            Rules = ConfigDocuments.Parse("""
                { "subspecialties": [ { "id": "cardiac", "displayName": "Cardiac", "matches": [ { "modalities": ["CT", "MR"], "bodyParts": ["HEART"] } ] } ] }
                """),
        };
        docs.AddRadiologist("r1", r => r["subspecialties"] = new JsonArray("cardiac"));
        var rules = docs.Load().Rules;
        Assert.Equal(["cardiac"], rules.SubspecialtiesFor("MR", "HEART"));
        Assert.Empty(rules.SubspecialtiesFor("CT", "HEAD")); // neuro is gone with the replaced section
        Assert.Same(Defaults.Rvus, rules.Rvus); // the rvu section was left out: defaults
    }

    [Fact]
    public void Neuro_is_unknown_once_the_rules_document_replaces_the_subspecialties()
    {
        var docs = new ConfigDocuments
        {
            Rules = ConfigDocuments.Parse("""{ "subspecialties": [ { "id": "cardiac", "displayName": "Cardiac", "matches": [ { "modalities": ["CT"], "bodyParts": ["HEART"] } ] } ] }"""),
        };
        docs.AddRadiologist("r1", r => r["subspecialties"] = new JsonArray("neuro"));
        var error = Assert.Single(docs.TryLoad().Errors);
        Assert.Equal(("radiologists.json", "$.radiologists[0].subspecialties[0]", ConfigurationErrorCodes.UnknownReference), (error.Document, error.Path, error.Code));
    }

    [Fact]
    public void Rules_document_errors_are_reported_with_paths()
    {
        var docs = new ConfigDocuments
        {
            Rules = ConfigDocuments.Parse("""
                {
                  "subspecialties": [
                    { "id": "general", "displayName": "x", "matches": [ { "modalities": ["CT"], "bodyParts": ["HEAD"] } ] },
                    { "id": "Neuro Radiology", "displayName": "x", "matches": [] },
                    { "id": "neuro", "displayName": "x", "matches": [ { "modalities": ["ct"], "bodyParts": [] } ] },
                    { "id": "neuro", "displayName": "x", "matches": [ { "modalities": ["CT"], "bodyParts": ["*"] } ] }
                  ],
                  "rvu": { "default": -1, "table": [ { "modality": "CT", "bodyPart": "HEAD", "rvu": 1 }, { "modality": "CT", "bodyPart": "HEAD", "rvu": -2 }, { "modality": "CT", "bodyPart": "HEAD", "rvu": 2 } ] }
                }
                """),
        };
        var errors = docs.TryLoad().Errors;
        Assert.All(errors, e => Assert.Equal("assignment-rules.json", e.Document));
        Assert.Equal(
            [
                ("$.rvu.default", ConfigurationErrorCodes.NegativeValue),
                ("$.rvu.table[1].rvu", ConfigurationErrorCodes.NegativeValue),
                ("$.rvu.table[2]", ConfigurationErrorCodes.DuplicateId),
                ("$.subspecialties[0].id", ConfigurationErrorCodes.InvalidValue),
                ("$.subspecialties[1].id", ConfigurationErrorCodes.InvalidIdentifier),
                ("$.subspecialties[1].matches", ConfigurationErrorCodes.InvalidValue),
                ("$.subspecialties[2].matches[0].bodyParts", ConfigurationErrorCodes.InvalidValue),
                ("$.subspecialties[2].matches[0].modalities[0]", ConfigurationErrorCodes.InvalidValue),
                ("$.subspecialties[3].id", ConfigurationErrorCodes.DuplicateId),
            ],
            errors.Select(e => (e.Path, e.Code)).Order());
    }
}
