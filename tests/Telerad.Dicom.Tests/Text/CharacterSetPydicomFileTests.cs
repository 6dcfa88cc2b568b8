using System.Text.Json.Nodes;

namespace Telerad.Dicom.Tests.Text;

/// <summary>
/// Every SH, LO, ST, LT, UT, UC and PN value of pydicom's character set files (and its other test files), nested
/// sequences included, decoded by us and by pydicom, must agree. pydicom is the independent oracle; the files
/// cover Japanese (ISO 2022 IR 13/87), Korean (IR 149), Chinese (UTF-8, GB18030), Greek, Hebrew, Arabic, Russian,
/// German and French, and character sets that change inside a sequence item.
/// </summary>
public class CharacterSetPydicomFileTests
{
    private static readonly Lazy<JsonObject> Oracle = new(() => PydicomOracle.Run(["text", .. CharsetPaths(), .. OtherPaths()]).AsObject());

    public static TheoryData<string> CharsetFiles() => [.. CharsetPaths()];

    public static TheoryData<string> OtherFiles() => [.. OtherPaths()];

    [Theory]
    [MemberData(nameof(CharsetFiles))]
    public void Charset_file_text_matches_pydicom(string path)
    {
        var compared = CompareWithPydicom(path);
        // Every charset file has a Patient's Name in its own language (in chrSQEncoding*, inside a sequence item).
        Assert.Contains(compared, p => p.EndsWith("00100010", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(OtherFiles))]
    public void Test_file_text_matches_pydicom(string path)
    {
        var entry = Oracle.Value[path]!.AsObject();
        if (entry.ContainsKey("error"))
        {
            return; // pydicom cannot read it (e.g. a bare data set it does not detect); nothing to compare with
        }

        CompareWithPydicom(path);
    }

    [Fact]
    public void Nested_item_with_its_own_character_set_is_decoded_with_it()
    {
        // chrSQEncoding: the data set is ISO_IR 192, the sequence item says ISO 2022 IR 13 \ ISO 2022 IR 87.
        using var file = DicomFile.Open(Path.Combine(TestData.PydicomCharsetFiles, "chrSQEncoding.dcm"));
        var item = file.Dataset.GetSequence(DicomTags.RequestedProcedureCodeSequence);
        Assert.NotNull(item);
        var name = item.Items[0].GetPersonName(DicomTags.PatientName);
        Assert.NotNull(name);
        Assert.Equal("山田", name.IdeographicGroup.FamilyName);
        Assert.Equal(["ISO 2022 IR 13", "ISO 2022 IR 87"], item.Items[0].CharacterSet.Terms);

        // chrSQEncoding1: the item has no (0008,0005) and inherits the data set's.
        using var inherited = DicomFile.Open(Path.Combine(TestData.PydicomCharsetFiles, "chrSQEncoding1.dcm"));
        var inheritedItem = inherited.Dataset.GetSequence(DicomTags.RequestedProcedureCodeSequence)!.Items[0];
        Assert.Same(inherited.Dataset.CharacterSet, inheritedItem.CharacterSet);
        Assert.Equal("ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう", inheritedItem.GetString(DicomTags.PatientName));
    }

    /// <summary>Compares every text element pydicom reports; returns the paths compared.</summary>
    private static List<string> CompareWithPydicom(string path)
    {
        var entry = Oracle.Value[path]!.AsObject();
        Assert.False(entry.ContainsKey("error"), $"pydicom could not read {Path.GetFileName(path)}");
        using var file = DicomFile.Open(path, new DicomReaderOptions { StopBeforePixelData = true });
        var compared = new List<string>();
        foreach (var element in entry["elements"]!.AsArray())
        {
            var elementPath = element!["path"]!.GetValue<string>();
            var vr = DicomVRInfo.Parse(element["vr"]!.GetValue<string>());
            var (dataset, ours) = Find(file.Dataset, elementPath);
            Assert.True(ours is not null, $"{Path.GetFileName(path)}: {elementPath} is missing from our data set");

            // Decode with pydicom's VR: a private element may be UN for our reader and text for pydicom's dictionary.
            var decoded = dataset.CharacterSet.Decode(ours.Value.GetMemory().Span, vr);
            var expected = PydicomOracle.Normalize(element["values"]!, vr);
            var actual = PydicomOracle.Normalize(decoded, vr);
            Assert.True(expected == actual, $"{Path.GetFileName(path)} {elementPath} {vr}: pydicom '{expected}', ours '{actual}'");
            compared.Add(elementPath);
        }

        return compared;
    }

    private static (DicomDataset Dataset, DicomElement? Element) Find(DicomDataset root, string path)
    {
        var steps = path.Split('/');
        var dataset = root;
        for (var i = 0; i < steps.Length - 1; i += 2)
        {
            var sequence = dataset.GetSequence(new DicomTag(Convert.ToUInt32(steps[i], 16)));
            var index = int.Parse(steps[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            if (sequence is null || index >= sequence.Items.Count)
            {
                return (dataset, null);
            }

            dataset = sequence.Items[index];
        }

        return dataset.TryGetElement(new DicomTag(Convert.ToUInt32(steps[^1], 16)), out var element) ? (dataset, element) : (dataset, null);
    }

    private static IEnumerable<string> CharsetPaths() =>
        Directory.EnumerateFiles(TestData.PydicomCharsetFiles, "*.dcm").Order(StringComparer.Ordinal);

    private static IEnumerable<string> OtherPaths() =>
        Directory.EnumerateFiles(TestData.PydicomTestFiles, "*.dcm")
            .Where(f => !TestData.DeliberatelyBroken.Contains(Path.GetFileName(f)))
            .Order(StringComparer.Ordinal);
}
