using System.Globalization;
using System.Text.Json;

namespace Telerad.Dicom.Tests.Json;

/// <summary>
/// Compares two DICOM JSON models as parsed trees: attribute sets, VRs, values (numbers by value, not
/// text: F.2.3 fixes the JSON type, not the digits), InlineBinary by decoded bytes. Every difference it
/// tolerates is a known, justified one, listed here with the rule that decides it.
/// </summary>
public sealed class JsonModelComparer(ReferenceSource source)
{
    private readonly List<string> _differences = [];

    public IReadOnlyList<string> Differences => _differences;

    private bool FromDcmtk => source is ReferenceSource.Dcm2json or ReferenceSource.Dcm2jsonWithoutPixelData;

    public static IReadOnlyList<string> Compare(JsonElement ours, JsonElement reference, ReferenceSource source)
    {
        var comparer = new JsonModelComparer(source);
        comparer.CompareDatasets(ours, reference, string.Empty, topLevel: true);
        return comparer.Differences;
    }

    private void CompareDatasets(JsonElement ours, JsonElement reference, string path, bool topLevel)
    {
        if (ours.ValueKind != JsonValueKind.Object || reference.ValueKind != JsonValueKind.Object)
        {
            _differences.Add($"{path}: data set is {ours.ValueKind} vs {reference.ValueKind}");
            return;
        }

        var ourAttributes = ours.EnumerateObject().Where(p => !Ignored(p.Name, topLevel)).ToDictionary(p => p.Name, p => p.Value);
        var referenceAttributes = reference.EnumerateObject().Where(p => !Ignored(p.Name, topLevel)).ToDictionary(p => p.Name, p => p.Value);
        foreach (var tag in ourAttributes.Keys.Union(referenceAttributes.Keys).Order(StringComparer.Ordinal))
        {
            if (!ourAttributes.TryGetValue(tag, out var ourAttribute))
            {
                _differences.Add($"{path}/{tag}: missing in ours");
            }
            else if (!referenceAttributes.TryGetValue(tag, out var referenceAttribute))
            {
                _differences.Add($"{path}/{tag}: missing in the reference");
            }
            else
            {
                CompareAttributes(tag, ourAttribute, referenceAttribute, $"{path}/{tag}");
            }
        }
    }

    private bool Ignored(string tag, bool topLevel)
    {
        // pydicom writes group lengths; F.2.2 says they shall not be included.
        if (source == ReferenceSource.Pydicom && tag.EndsWith("0000", StringComparison.Ordinal))
        {
            return true;
        }

        // The copy dcm2json read has no Pixel Data (compared with pydicom instead), and dcmodify, which made
        // the copy, drops Data Set Trailing Padding when it rewrites a file (PS3.10 7.2 lets it).
        return topLevel && source == ReferenceSource.Dcm2jsonWithoutPixelData && tag is "7FE00010" or "FFFCFFFC";
    }

    private void CompareAttributes(string tag, JsonElement ours, JsonElement reference, string path)
    {
        var ourVR = Member(ours, "vr")?.GetString();
        var referenceVR = Member(reference, "vr")?.GetString();
        // pydicom gives implicit VR Pixel Data the OB of its declared (encapsulated) syntax; PS3.5 A.1 says implicit VR pixel data is OW.
        var pixelDataVR = source == ReferenceSource.Pydicom && tag == "7FE00010" && ourVR is "OB" or "OW" && referenceVR is "OB" or "OW";
        if (ourVR != referenceVR && !pixelDataVR)
        {
            _differences.Add($"{path}: vr {ourVR} vs {referenceVR}");
            return;
        }

        // dcm2json 3.6.7 transcodes text to UTF-8 and rewrites Specific Character Set as "ISO_IR 192". PS3.18
        // F.2.2 note 3 says the attribute reflects the source data set's encoding and is preserved, as we do.
        if (tag == "00080005" && FromDcmtk)
        {
            return;
        }

        var ourBinary = Member(ours, "InlineBinary");
        var referenceBinary = Member(reference, "InlineBinary");
        if (ourBinary is not null || referenceBinary is not null)
        {
            CompareInlineBinary(ourBinary, referenceBinary, path);
            return;
        }

        var ourUri = Member(ours, "BulkDataURI")?.GetString();
        var referenceUri = Member(reference, "BulkDataURI")?.GetString();
        if (ourUri != referenceUri)
        {
            _differences.Add($"{path}: BulkDataURI {ourUri} vs {referenceUri}");
            return;
        }

        var ourValues = Values(ours, ourVR!);
        var referenceValues = Values(reference, ourVR!);
        if (ourValues.Count != referenceValues.Count)
        {
            _differences.Add($"{path}: {ourValues.Count} values vs {referenceValues.Count}");
            return;
        }

        for (var i = 0; i < ourValues.Count; i++)
        {
            CompareValue(ourVR!, ourValues[i], referenceValues[i], $"{path}[{i}]");
        }
    }

    /// <summary>
    /// The values, with a single empty value counted as none: F.2.5 encodes a zero-length value by leaving
    /// Value out, while pydicom writes [""] or [{"Alphabetic": ""}] for a value that is only padding.
    /// </summary>
    private static List<JsonElement> Values(JsonElement attribute, string vr)
    {
        if (Member(attribute, "Value") is not { ValueKind: JsonValueKind.Array } array)
        {
            return [];
        }

        var values = array.EnumerateArray().ToList();
        return vr != "SQ" && values.Count == 1 && IsEmptyValue(values[0]) ? [] : values;
    }

    private static bool IsEmptyValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => true,
        JsonValueKind.String => value.GetString()!.Length == 0,
        JsonValueKind.Object => value.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.String && IsEmptyNameGroup(p.Value.GetString()!)),
        _ => false,
    };

    private void CompareValue(string vr, JsonElement ours, JsonElement reference, string path)
    {
        if (vr == "SQ")
        {
            CompareDatasets(ours, reference, path, topLevel: false);
            return;
        }

        if (vr == "PN")
        {
            foreach (var group in new[] { "Alphabetic", "Ideographic", "Phonetic" })
            {
                var a = GroupOf(ours, group);
                var b = GroupOf(reference, group);
                if (a != b)
                {
                    _differences.Add($"{path}/{group}: '{a}' vs '{b}'");
                }
            }

            return;
        }

        // F.2.5: an empty value among others is null; pydicom writes "" for it.
        if (IsEmptyValue(ours) && IsEmptyValue(reference) && (source == ReferenceSource.Pydicom || ours.ValueKind == reference.ValueKind))
        {
            return;
        }

        if (ours.ValueKind == JsonValueKind.Number || reference.ValueKind == JsonValueKind.Number)
        {
            if (!NumbersEqual(vr, ours, reference))
            {
                _differences.Add($"{path}: {ours.GetRawText()} vs {reference.GetRawText()}");
            }

            return;
        }

        var same = ours.ValueKind == reference.ValueKind
            && (ours.ValueKind == JsonValueKind.String ? ours.GetString() == reference.GetString() : ours.GetRawText() == reference.GetRawText());
        if (!same)
        {
            _differences.Add($"{path}: {Short(ours)} vs {Short(reference)}");
        }
    }

    /// <summary>
    /// Numbers compare by value. FL compares at single precision: dcm2json prints a float with 9
    /// significant digits, pydicom prints the double it widened it to, we print the shortest text that
    /// reads back as the same float; all are the same FL value.
    /// </summary>
    private static bool NumbersEqual(string vr, JsonElement ours, JsonElement reference)
    {
        var a = NumberText(ours);
        var b = NumberText(reference);
        if (a is null || b is null)
        {
            return false;
        }

        if (vr is "FL" or "FD")
        {
            var x = double.Parse(a, NumberStyles.Float, CultureInfo.InvariantCulture);
            var y = double.Parse(b, NumberStyles.Float, CultureInfo.InvariantCulture);
            return vr == "FL" ? (float)x == (float)y : x == y;
        }

        if (decimal.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var m)
            && decimal.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            return m == n;
        }

        return double.Parse(a, NumberStyles.Float, CultureInfo.InvariantCulture) == double.Parse(b, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static string? NumberText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _) => value.GetString()!.Trim(),
        _ => null,
    };

    /// <summary>
    /// InlineBinary compares as bytes. dcmtk pads a value of odd length (not allowed by PS3.5 7.1.1) with a
    /// zero byte as it reads it; we keep the bytes as they are in the file.
    /// </summary>
    private void CompareInlineBinary(JsonElement? ours, JsonElement? reference, string path)
    {
        if (ours is null || reference is null)
        {
            _differences.Add($"{path}: InlineBinary {(ours is null ? "missing in ours" : "missing in the reference")}");
            return;
        }

        var a = ours.Value.GetBytesFromBase64();
        var b = reference.Value.GetBytesFromBase64();
        var paddedByDcmtk = FromDcmtk && a.Length % 2 == 1 && b.Length == a.Length + 1 && b[^1] == 0 && b.AsSpan(0, a.Length).SequenceEqual(a);
        if (!a.AsSpan().SequenceEqual(b) && !paddedByDcmtk)
        {
            _differences.Add($"{path}: InlineBinary of {a.Length} bytes differs from the reference's {b.Length}");
        }
    }

    /// <summary>
    /// A component group of separators only ("^^^^") has no non-empty name component; F.2.2 encodes only
    /// non-empty ones, and dcm2json leaves such a group out as we do. pydicom writes it as it is.
    /// </summary>
    private static string GroupOf(JsonElement name, string group) =>
        name.ValueKind == JsonValueKind.Object && name.TryGetProperty(group, out var g) && g.ValueKind == JsonValueKind.String && !IsEmptyNameGroup(g.GetString()!)
            ? g.GetString()!
            : string.Empty;

    private static bool IsEmptyNameGroup(string group) => group.AsSpan().IndexOfAnyExcept('^', ' ') < 0;

    private static JsonElement? Member(JsonElement attribute, string name) =>
        attribute.ValueKind == JsonValueKind.Object && attribute.TryGetProperty(name, out var member) ? member : null;

    private static string Short(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length > 80 ? text[..80] + "..." : text;
    }
}
