using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Telerad.Dicom.Tests;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>Runs pydicom_phi_oracle.py with the system Python and pydicom (installed by tools/test.sh).</summary>
internal static class PydicomPhiOracle
{
    private const string Python = "/usr/bin/python3";

    private static string Script => Path.Combine(TestData.RepositoryRoot, "tests", "Telerad.Deidentification.Tests", "Phi", "pydicom_phi_oracle.py");

    public static JsonObject Run(string mode, JsonNode request)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: run tools/test.sh, which installs python3-pydicom.");
        }

        var file = Path.Combine(Path.GetTempPath(), "telerad-phi-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            File.WriteAllText(file, request.ToJsonString(), new UTF8Encoding(false));
            var result = ExternalTool.Run(Python, [Script, mode, file], TimeSpan.FromMinutes(5), Encoding.UTF8);
            Assert.True(result.ExitCode == 0, $"pydicom oracle failed: {result.StandardError}");
            return JsonNode.Parse(result.StandardOutput)?.AsObject() ?? throw new InvalidOperationException("The pydicom oracle printed nothing.");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>For each file, the identifiers whose parts pydicom finds in its decoded text values.</summary>
    public static Dictionary<string, HashSet<string>> IdentifiersInText(IEnumerable<string> files, IEnumerable<PhiIdentifier> identifiers)
    {
        var request = new JsonObject
        {
            ["files"] = new JsonArray([.. files.Select(f => (JsonNode)JsonValue.Create(f))]),
            ["identifiers"] = new JsonObject(identifiers.Select(i =>
                KeyValuePair.Create(i.Id, (JsonNode?)new JsonArray([.. i.Parts.Select(p => (JsonNode)JsonValue.Create(p))])))),
        };
        var result = Run("scan", request);
        return result.ToDictionary(
            p => p.Key,
            p => p.Value!.AsArray().Select(v => v!.GetValue<string>()).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    public static JsonObject Encodings(IEnumerable<string> parts) =>
        Run("encodings", new JsonArray([.. parts.Select(p => (JsonNode)JsonValue.Create(p))]));

    public static JsonObject Names(IEnumerable<string> files) =>
        Run("names", new JsonArray([.. files.Select(f => (JsonNode)JsonValue.Create(f))]));

    public static string Describe(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
