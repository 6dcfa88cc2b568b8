using System.Text.Json;

namespace Telerad.Dicom.Tests.Json;

/// <summary>JSON we did not write: the standard's own example (PS3.18 F.4) and pydicom's test1.json and test_PN.json.</summary>
public sealed class DicomJsonExampleTests
{
    private static readonly JsonDocumentOptions WithComments = new() { CommentHandling = JsonCommentHandling.Skip };

    private static string StandardExample => File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "tests", "Telerad.Dicom.Tests", "Json", "ps3.18-f4-example.json"));

    private static string PydicomJson(string name) => File.ReadAllText(Path.Combine(TestData.PydicomTestFiles, name));

    [Fact]
    public void Standard_example_F4_reads_as_two_studies_with_every_element()
    {
        using var document = JsonDocument.Parse(StandardExample, WithComments);

        var studies = DicomJsonReader.ReadAll(StandardExample);

        Assert.Equal(2, studies.Count);
        DatasetJsonAssert.Matches(document.RootElement[0], studies[0]);
        DatasetJsonAssert.Matches(document.RootElement[1], studies[1]);
    }

    /// <summary>The values as the standard's text gives them, read through the data set's typed accessors.</summary>
    [Fact]
    public void Standard_example_F4_values_are_the_printed_ones()
    {
        var studies = DicomJsonReader.ReadAll(StandardExample);
        var first = studies[0];

        Assert.Equal("ISO_IR 192", first.GetString(DicomTags.SpecificCharacterSet));
        Assert.Equal(["CT", "PET"], first.GetStrings(new DicomTag(0x0008, 0x0061)));
        Assert.Equal("^Bob^^Dr.", first.GetString(new DicomTag(0x0008, 0x0090)));
        Assert.Equal("Wang^XiaoDong=王^小東", first.GetString(DicomTags.PatientName));
        Assert.Equal(DicomVR.UN, first[new DicomTag(0x0009, 0x1002)]!.VR);
        Assert.Equal(Convert.FromBase64String("z0x9c8v7"), first.GetValues<byte>(new DicomTag(0x0009, 0x1002)));
        var otherIds = first.GetSequence(new DicomTag(0x0010, 0x1002))!;
        Assert.Equal(["54321", "24680"], otherIds.Items.Select(i => i.GetString(DicomTags.PatientID)));
        Assert.Equal(["Hospital B", "Hospital C"], otherIds.Items.Select(i => i.GetString(new DicomTag(0x0010, 0x0021))));
        Assert.Equal(4, first.GetInt32(new DicomTag(0x0020, 0x1206)));
        Assert.Equal(942, first.GetInt32(new DicomTag(0x0020, 0x1208)));
        Assert.Equal(1123, studies[1].GetInt32(new DicomTag(0x0020, 0x1208)));
        Assert.Equal("1.2.392.200036.9116.2.2.2.2162893313.1029997326.945876", studies[1].GetUid(DicomTags.StudyInstanceUID));
    }

    [Fact]
    public void Standard_example_F4_written_back_equals_the_example()
    {
        using var document = JsonDocument.Parse(StandardExample, WithComments);
        var studies = DicomJsonReader.ReadAll(StandardExample);

        for (var i = 0; i < studies.Count; i++)
        {
            using var written = JsonDocument.Parse(DicomJsonWriter.Write(studies[i]));
            // The example's one-string InlineBinary array is written as the string F.2.2 and F.2.7 describe.
            var differences = JsonModelComparer.Compare(written.RootElement, Normalised(document.RootElement[i]), ReferenceSource.Dcm2json);
            Assert.True(differences.Count == 0, string.Join('\n', differences));
        }
    }

    [Fact]
    public void Pydicom_test1_json_reads_with_every_element()
    {
        var json = PydicomJson("test1.json");
        using var document = JsonDocument.Parse(json);

        var dataset = DicomJsonReader.Read(json);

        DatasetJsonAssert.Matches(document.RootElement, dataset);
        // Attributes arrive in no particular order; the data set and what we write are in tag order (F.2.2).
        var tags = dataset.Select(i => i.Tag).ToList();
        Assert.Equal(tags.Order(), tags);
        using var written = JsonDocument.Parse(DicomJsonWriter.Write(dataset));
        var names = written.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void Pydicom_test1_json_keeps_its_bulk_data_uri_as_a_reference()
    {
        var dataset = DicomJsonReader.Read(PydicomJson("test1.json"));

        var pixels = Assert.IsType<DicomElement>(dataset[new DicomTag(0x7FE00010)]);
        var reference = Assert.IsType<DicomBulkDataUriValue>(pixels.Value);
        Assert.Equal(string.Empty, reference.Uri);
        Assert.Throws<InvalidOperationException>(() => reference.GetMemory());
        using var written = JsonDocument.Parse(DicomJsonWriter.Write(dataset));
        Assert.Equal(string.Empty, written.RootElement.GetProperty("7FE00010").GetProperty("BulkDataURI").GetString());
    }

    [Fact]
    public void Pydicom_test1_json_is_refused_when_bulk_data_references_are()
    {
        var options = new DicomJsonReaderOptions { BulkData = DicomJsonBulkDataHandling.Refuse };

        var error = Assert.Throws<DicomFormatException>(() => DicomJsonReader.Read(PydicomJson("test1.json"), options));

        Assert.Equal("(7FE0,0010)", error.TagPath);
        Assert.Contains("BulkDataURI", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pydicom_test_PN_json_reads_with_every_element()
    {
        var json = PydicomJson("test_PN.json");
        using var document = JsonDocument.Parse(json);

        var dataset = DicomJsonReader.Read(json);

        DatasetJsonAssert.Matches(document.RootElement, dataset);
        Assert.Equal("Prostate^Volunteer", dataset.GetString(DicomTags.PatientName));
        var nested = dataset.GetSequence(new DicomTag(0x0400, 0x0561))!.Items[0].GetSequence(new DicomTag(0x0400, 0x0550))!.Items[0];
        Assert.Equal("051Y", nested.GetString(new DicomTag(0x0010, 0x1010)));
        Assert.Equal(0, nested[DicomTags.PatientName]!.Length);
    }

    /// <summary>The example with InlineBinary ["..."] turned into "...", the form F.2.2 describes.</summary>
    private static JsonElement Normalised(JsonElement dataset)
    {
        var text = dataset.GetRawText().Replace("\"InlineBinary\": [ \"z0x9c8v7\" ]", "\"InlineBinary\": \"z0x9c8v7\"", StringComparison.Ordinal);
        using var document = JsonDocument.Parse(text, WithComments);
        return document.RootElement.Clone();
    }
}
