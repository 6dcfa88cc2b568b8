using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace Telerad.Dicom.Tests.Json;

/// <summary>
/// Checks a data set against a DICOM JSON model document through the data set's own typed accessors
/// (GetStrings, GetValues, GetTags, sequences), not through our JSON writer: so a reader test does not
/// lean on the writer agreeing with it.
/// </summary>
public static class DatasetJsonAssert
{
    public static void Matches(JsonElement json, DicomDataset dataset)
    {
        var differences = new List<string>();
        Compare(json, dataset, string.Empty, differences);
        Assert.True(differences.Count == 0, string.Join('\n', differences.Take(30)));
    }

    private static void Compare(JsonElement json, DicomDataset dataset, string path, List<string> differences)
    {
        var seen = new HashSet<DicomTag>();
        foreach (var attribute in json.EnumerateObject())
        {
            var tag = new DicomTag(uint.Parse(attribute.Name, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            var where = $"{path}/{attribute.Name}";
            if (tag.IsGroupLength)
            {
                continue; // not part of the model (F.2.2); the reader drops them
            }

            seen.Add(tag);
            if (!dataset.TryGet(tag, out var item))
            {
                differences.Add($"{where}: missing from the data set");
                continue;
            }

            var vr = attribute.Value.GetProperty("vr").GetString();
            if (DicomVRInfo.ToCode(item.VR) != vr)
            {
                differences.Add($"{where}: VR {DicomVRInfo.ToCode(item.VR)}, JSON says {vr}");
                continue;
            }

            CompareAttribute(attribute.Value, dataset, item, where, differences);
        }

        foreach (var item in dataset.Where(i => !seen.Contains(i.Tag)))
        {
            differences.Add($"{path}/{item.Tag}: in the data set but not in the JSON");
        }
    }

    private static void CompareAttribute(JsonElement attribute, DicomDataset dataset, DicomItem item, string where, List<string> differences)
    {
        if (attribute.TryGetProperty("BulkDataURI", out var uri))
        {
            if (item is not DicomElement { Value: DicomBulkDataUriValue reference } || reference.Uri != uri.GetString())
            {
                differences.Add($"{where}: not kept as the BulkDataURI reference");
            }

            return;
        }

        if (attribute.TryGetProperty("InlineBinary", out var inline))
        {
            var expected = inline.ValueKind == JsonValueKind.Array ? inline[0].GetBytesFromBase64() : inline.GetBytesFromBase64();
            var actual = item switch
            {
                DicomElement e => e.Value.GetMemory().ToArray(),
                DicomFragmentSequence f => ItemsOf(f),
                _ => [],
            };
            if (!actual.AsSpan().SequenceEqual(expected))
            {
                differences.Add($"{where}: {actual.Length} bytes, InlineBinary has {expected.Length}");
            }

            return;
        }

        var values = attribute.TryGetProperty("Value", out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().ToList()
            : [];
        if (item is DicomSequence sequence)
        {
            if (sequence.Items.Count != values.Count)
            {
                differences.Add($"{where}: {sequence.Items.Count} items, JSON has {values.Count}");
                return;
            }

            for (var i = 0; i < values.Count; i++)
            {
                Compare(values[i], sequence.Items[i], $"{where}[{i}]", differences);
            }

            return;
        }

        var element = (DicomElement)item;
        var expectedValues = ExpectedValues(element.VR, values);
        var actualValues = ActualValues(dataset, element);
        if (!expectedValues.SequenceEqual(actualValues))
        {
            differences.Add($"{where}: [{string.Join(" | ", actualValues)}], JSON has [{string.Join(" | ", expectedValues)}]");
        }
    }

    /// <summary>The JSON values as canonical text: numbers by value, PN as its '='-joined groups, null as empty.</summary>
    private static List<string> ExpectedValues(DicomVR vr, List<JsonElement> values)
    {
        var binary = vr is DicomVR.US or DicomVR.SS or DicomVR.UL or DicomVR.SL or DicomVR.SV or DicomVR.UV or DicomVR.FL or DicomVR.FD or DicomVR.AT;
        var result = new List<string>();
        foreach (var value in values)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                if (!binary)
                {
                    result.Add(string.Empty); // binary values cannot be empty; the reader drops a null there
                }

                continue;
            }

            result.Add(vr switch
            {
                DicomVR.PN when value.ValueKind == JsonValueKind.Object => string.Join('=',
                    new[] { "Alphabetic", "Ideographic", "Phonetic" }.Select(g => value.TryGetProperty(g, out var t) ? t.GetString() : string.Empty)).TrimEnd('='),
                DicomVR.FL => Canonical((float)ParseDouble(value)),
                DicomVR.FD => Canonical(ParseDouble(value)),
                DicomVR.IS or DicomVR.DS or DicomVR.US or DicomVR.SS or DicomVR.UL or DicomVR.SL or DicomVR.SV or DicomVR.UV
                    when value.ValueKind == JsonValueKind.Number || IsNumber(value.GetString()) => CanonicalDecimal(value.ValueKind == JsonValueKind.Number ? value.GetRawText() : value.GetString()!),
                _ => value.GetString()!,
            });
        }

        if (result.Count == 1 && result[0].Length == 0 && !binary)
        {
            result.Clear(); // a single empty value is an empty attribute (F.2.5)
        }

        return result;
    }

    private static List<string> ActualValues(DicomDataset dataset, DicomElement element)
    {
        var tag = element.Tag;
        var result = element.VR switch
        {
            DicomVR.US => dataset.GetValues<ushort>(tag).Select(v => CanonicalDecimal(v.ToString(CultureInfo.InvariantCulture))).ToList(),
            DicomVR.SS => dataset.GetValues<short>(tag).Select(v => CanonicalDecimal(v.ToString(CultureInfo.InvariantCulture))).ToList(),
            DicomVR.UL => dataset.GetValues<uint>(tag).Select(v => CanonicalDecimal(v.ToString(CultureInfo.InvariantCulture))).ToList(),
            DicomVR.SL => dataset.GetValues<int>(tag).Select(v => CanonicalDecimal(v.ToString(CultureInfo.InvariantCulture))).ToList(),
            DicomVR.SV => dataset.GetValues<long>(tag).Select(v => CanonicalDecimal(v.ToString(CultureInfo.InvariantCulture))).ToList(),
            DicomVR.UV => dataset.GetValues<ulong>(tag).Select(v => CanonicalDecimal(v.ToString(CultureInfo.InvariantCulture))).ToList(),
            DicomVR.FL => dataset.GetValues<float>(tag).Select(Canonical).ToList(),
            DicomVR.FD => dataset.GetValues<double>(tag).Select(Canonical).ToList(),
            DicomVR.AT => dataset.GetTags(tag).Select(t => t.Value.ToString("X8", CultureInfo.InvariantCulture)).ToList(),
            DicomVR.IS or DicomVR.DS => dataset.GetStrings(tag).Select(s => IsNumber(s) ? CanonicalDecimal(s) : s).ToList(),
            _ => [.. dataset.GetStrings(tag)],
        };
        if (result.Count == 1 && result[0].Length == 0)
        {
            result.Clear();
        }

        return result;
    }

    private static byte[] ItemsOf(DicomFragmentSequence fragments)
    {
        var output = new MemoryStream();
        Span<byte> header = stackalloc byte[8];
        foreach (var value in new[] { fragments.OffsetTable }.Concat(fragments.Fragments))
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header, 0xE000FFFEu);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)value.Length);
            output.Write(header);
            output.Write(value.GetMemory().Span);
        }

        return output.ToArray();
    }

    private static double ParseDouble(JsonElement value) => value.ValueKind == JsonValueKind.Number
        ? value.GetDouble()
        : value.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var s => double.Parse(s!, NumberStyles.Float, CultureInfo.InvariantCulture),
        };

    private static bool IsNumber(string? text) => decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string CanonicalDecimal(string text) =>
        decimal.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture).ToString("G29", CultureInfo.InvariantCulture) switch
        {
            "-0" => "0",
            var s => s,
        };

    private static string Canonical(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Canonical(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
