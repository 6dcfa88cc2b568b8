using System.Text;

namespace Telerad.Dicom.Tests.Json;

/// <summary>Malformed JSON models fail with <see cref="DicomFormatException"/> that says where, never what the values were.</summary>
public sealed class DicomJsonReaderErrorTests
{
    private const string Secret = "SECRET";

    public static TheoryData<string, string, string> Malformed => new()
    {
        { """{"00100010": {"vr": "PN", "Value": [{"Alphabetic": "SECRET^NAME"}]""", "not well-formed JSON", "(0010,0010)" },
        { """{"00100010": {"vr": "PN", "Value": [{"Alphabetic": "SECRET"}]}} {"x": 1}""", "not well-formed JSON", "" },
        { """{"0010001G": {"vr": "LO", "Value": ["SECRET"]}}""", "8-digit hexadecimal tag", "" },
        { """{"SECRET00": {"vr": "LO", "Value": ["SECRET"]}}""", "8-digit hexadecimal tag", "" },
        { """{"00100020": {"Value": ["SECRET"]}}""", "no \"vr\"", "(0010,0020)" },
        { """{"00100020": {"vr": "XX", "Value": ["SECRET"]}}""", "not a DICOM VR", "(0010,0020)" },
        { """{"00100020": {"vr": "LO", "Value": "SECRET"}}""", "not an array", "(0010,0020)" },
        { """{"00100020": {"vr": "LO", "Value": [17]}}""", "not a string", "(0010,0020)" },
        { """{"00280010": {"vr": "US", "Value": ["SECRET"]}}""", "not a number", "(0028,0010)" },
        { """{"00280010": {"vr": "US", "Value": [70000]}}""", "out of range", "(0028,0010)" },
        { """{"00280010": {"vr": "US", "Value": [1.5]}}""", "not an integer", "(0028,0010)" },
        { """{"00200013": {"vr": "IS", "Value": [1.5]}}""", "not an integer", "(0020,0013)" },
        { """{"00189087": {"vr": "FD", "Value": ["SECRET"]}}""", "not a number", "(0018,9087)" },
        { """{"00209165": {"vr": "AT", "Value": ["SECRET"]}}""", "8-digit hexadecimal tag", "(0020,9165)" },
        { """{"7FE00010": {"vr": "OB", "InlineBinary": "SECRET!!"}}""", "not valid base64", "(7FE0,0010)" },
        { """{"7FE00010": {"vr": "OB", "Value": ["SECRET"]}}""", "InlineBinary or BulkDataURI", "(7FE0,0010)" },
        { """{"00100020": {"vr": "LO", "Value": ["SECRET"], "InlineBinary": "U0VDUkVU"}}""", "more than one of", "(0010,0020)" },
        { """{"00100020": {"vr": "LO", "Value": ["SECRET"]}, "00100020": {"vr": "LO", "Value": ["SECRET"]}}""", "twice", "(0010,0020)" },
        { """{"00081115": {"vr": "SQ", "Value": ["SECRET"]}}""", "not an object", "(0008,1115)" },
        { """{"00081115": {"vr": "SQ", "Value": [{"00100020": {"vr": "LO", "Value": [true]}}]}}""", "not a string", "(0008,1115)[0]/(0010,0020)" },
        { """{"00081115": {"vr": "SQ", "InlineBinary": "U0VDUkVU"}}""", "sequence cannot be InlineBinary", "(0008,1115)" },
        { """{"00100010": {"vr": "PN", "Value": [{"Alphabetic": 12}]}}""", "not a string", "(0010,0010)" },
        { """{"00100010": {"vr": "PN", "Value": [12]}}""", "not an object", "(0010,0010)" },
        { """{"00080060": {"vr": "CS", "Value": ["SECRET✓"]}}""", "default character repertoire", "(0008,0060)" },
        { """{"00080081": {"vr": "ST", "Value": ["SECRET", "SECRET"]}}""", "holds one value", "(0008,0081)" },
        { """[{"00100020": {"vr": "LO", "Value": ["SECRET"]}}]""", "ReadAll", "" },
        { """ "SECRET" """, "Expected a data set object", "" },
        { "", "not well-formed JSON", "" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_model_is_refused_with_where_not_what(string json, string reason, string tagPath)
    {
        var error = Assert.Throws<DicomFormatException>(() => DicomJsonReader.Read(json));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(tagPath, error.TagPath);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(error.Offset >= 0 && error.Offset <= Encoding.UTF8.GetByteCount(json));
    }

    [Fact]
    public void Sequences_nested_deeper_than_the_limit_are_refused()
    {
        var json = new StringBuilder();
        const int depth = 70;
        for (var i = 0; i < depth; i++)
        {
            json.Append("""{"00081115": {"vr": "SQ", "Value": [""");
        }

        json.Append("{}");
        for (var i = 0; i < depth; i++)
        {
            json.Append("]}}");
        }

        var error = Assert.Throws<DicomFormatException>(() => DicomJsonReader.Read(json.ToString()));
        // The same with "vr" after "Value", as pydicom writes attributes.
        var valueFirst = json.ToString().Replace("\"vr\": \"SQ\", \"Value\": [", "\"Value\": [", StringComparison.Ordinal)
            .Replace("]}}", "], \"vr\": \"SQ\"}}", StringComparison.Ordinal);
        var valueFirstError = Assert.Throws<DicomFormatException>(() => DicomJsonReader.Read(valueFirst));

        Assert.Contains("nested deeper than 64", error.Message, StringComparison.Ordinal);
        Assert.Contains("nested deeper than 64", valueFirstError.Message, StringComparison.Ordinal);
        var deeper = DicomJsonReader.Read(json.ToString(), new DicomJsonReaderOptions { MaxDepth = 80 });
        Assert.Single(deeper.GetSequence(DicomTags.ReferencedSeriesSequence)!.Items);
    }

    [Fact]
    public void Lenient_where_the_standard_and_real_servers_differ()
    {
        // Lowercase hex names, "vr" after "Value", unknown members, PN as a plain string, null Value, a BOM,
        // InlineBinary for a US lookup table (F.2.7), and group lengths (dropped: F.2.2 excludes them).
        var json = "\uFEFF" + """
            {
              "0010001a": { "Value": [ "x" ], "keyword": "ignored", "vr": "LO" },
              "00100010": { "vr": "PN", "Value": [ "Doe^John" ] },
              "00100020": { "vr": "LO", "Value": null },
              "00283006": { "vr": "US", "InlineBinary": "AQACAA==" },
              "00100000": { "vr": "UL", "Value": [ 42 ] }
            }
            """;

        var dataset = DicomJsonReader.Read(Encoding.UTF8.GetBytes(json));

        Assert.Equal("x", dataset.GetString(new DicomTag(0x0010, 0x001A)));
        Assert.Equal("Doe^John", dataset.GetString(DicomTags.PatientName));
        Assert.Equal(0, dataset[DicomTags.PatientID]!.Length);
        Assert.Equal(new ushort[] { 1, 2 }, dataset.GetValues<ushort>(new DicomTag(0x0028, 0x3006)));
        Assert.False(dataset.Contains(new DicomTag(0x0010, 0x0000)));
    }
}
