using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Telerad.Dicom.Tests.Text;

/// <summary>Runs pydicom_text_oracle.py with the system Python and pydicom (installed by tools/test.sh).</summary>
internal static class PydicomOracle
{
    private const string Python = "/usr/bin/python3";

    private static string Script => Path.Combine(TestData.RepositoryRoot, "tests", "Telerad.Dicom.Tests", "Text", "pydicom_text_oracle.py");

    public static JsonNode Run(params string[] arguments)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: run tools/test.sh, which installs python3-pydicom.");
        }

        var result = ExternalTool.Run(Python, [Script, .. arguments], TimeSpan.FromMinutes(3), Encoding.UTF8);
        Assert.True(result.ExitCode == 0, $"pydicom oracle failed: {result.StandardError}");
        return JsonNode.Parse(result.StandardOutput) ?? throw new InvalidOperationException("The pydicom oracle printed nothing.");
    }

    /// <summary>What pydicom decodes for each (terms, VR, bytes): PN as values of component groups, other VRs as values.</summary>
    public static JsonArray Decode(IEnumerable<(string[] Terms, DicomVR VR, byte[] Bytes)> requests)
    {
        var file = Path.Combine(Path.GetTempPath(), "telerad-pydicom-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            var array = new JsonArray();
            foreach (var (terms, vr, bytes) in requests)
            {
                array.Add(new JsonObject
                {
                    ["terms"] = new JsonArray([.. terms.Select(t => (JsonNode)JsonValue.Create(t))]),
                    ["vr"] = vr.ToString(),
                    ["hex"] = Convert.ToHexString(bytes),
                });
            }

            File.WriteAllText(file, array.ToJsonString(), new UTF8Encoding(false));
            return Run("decode", file).AsArray();
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>pydicom's reading of DA, TM and DT strings as ISO 8601 text; null where pydicom refuses the string.</summary>
    public static JsonArray Temporal(IEnumerable<(DicomVR VR, string Text)> requests)
    {
        var file = Path.Combine(Path.GetTempPath(), "telerad-pydicom-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            var array = new JsonArray([.. requests.Select(r => (JsonNode)new JsonObject { ["vr"] = r.VR.ToString(), ["text"] = r.Text })]);
            File.WriteAllText(file, array.ToJsonString(), new UTF8Encoding(false));
            return Run("temporal", file).AsArray();
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// One comparable string per element: values joined by '\', PN groups by '=' (trailing empty groups dropped, as
    /// pydicom does), padding trimmed on both sides.
    /// </summary>
    public static string Normalize(JsonNode values, DicomVR vr)
    {
        var parts = new List<string>();
        foreach (var value in values.AsArray())
        {
            parts.Add(vr == DicomVR.PN
                ? NormalizeName(value!.AsArray().Select(g => g!.GetValue<string>()))
                : value!.GetValue<string>().Trim(' ', '\0'));
        }

        return string.Join('\\', parts);
    }

    /// <summary>Our decoded text of an element, normalised like <see cref="Normalize(JsonNode, DicomVR)"/>.</summary>
    public static string Normalize(string decoded, DicomVR vr)
    {
        var values = DicomText.SplitValues(decoded, vr);
        return string.Join('\\', values.Select(v => vr == DicomVR.PN ? NormalizeName(v.Split('=')) : v.Trim(' ', '\0')));
    }

    private static string NormalizeName(IEnumerable<string> groups)
    {
        var list = groups.Select(g => g.TrimEnd(' ', '\0')).ToList();
        while (list.Count > 0 && list[^1].Length == 0)
        {
            list.RemoveAt(list.Count - 1);
        }

        return string.Join('=', list);
    }
}
