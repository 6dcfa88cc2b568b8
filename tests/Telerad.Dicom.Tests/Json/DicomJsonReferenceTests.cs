using System.Text.Json;

namespace Telerad.Dicom.Tests.Json;

/// <summary>
/// Our JSON model of every readable pydicom test file against independent tools: dcmtk's dcm2json,
/// and pydicom where dcm2json 3.6.7 has no output for the file (ISO 2022 IR 87 text its iconv cannot
/// decode, a file it cannot parse) or for the element (encapsulated pixel data).
/// </summary>
public sealed class DicomJsonReferenceTests
{
    public static TheoryData<string> Files => ReferenceJson.ReadableFileNames();

    [Theory]
    [MemberData(nameof(Files))]
    public void Json_model_of_the_file_matches_dcm2json(string fileName)
    {
        var path = ReferenceJson.PathOf(fileName);
        using var file = DicomFile.Open(path);
        using var ours = JsonDocument.Parse(DicomJsonWriter.Write(file.Dataset));
        var reference = ReferenceJson.For(path);

        var differences = JsonModelComparer.Compare(ours.RootElement, reference.Root, reference.Source);

        Assert.True(differences.Count == 0,
            $"{fileName} vs {reference.Source} {reference.Why}\n" + string.Join('\n', differences.Take(20)));
    }

    /// <summary>The reader, fed JSON we did not write: dcm2json's (or pydicom's) model of each file.</summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void Reading_the_reference_json_gives_its_elements(string fileName)
    {
        var reference = ReferenceJson.For(ReferenceJson.PathOf(fileName));
        var json = reference.Root.GetRawText();

        var dataset = DicomJsonReader.Read(json);

        DatasetJsonAssert.Matches(reference.Root, dataset);
    }

    public static TheoryData<string> EncapsulatedFiles()
    {
        var data = new TheoryData<string>();
        foreach (var path in ReferenceJson.ReadableFiles())
        {
            using var file = DicomFile.Open(path);
            if (file.Dataset[new DicomTag(0x7FE00010)] is DicomFragmentSequence)
            {
                data.Add(Path.GetFileName(path));
            }
        }

        return data;
    }

    /// <summary>
    /// Encapsulated Pixel Data as InlineBinary of its Value Field (F.2.7): dcm2json 3.6.7 refuses it, so
    /// pydicom, which writes the items (offset table and fragments, without the sequence delimiter), is the reference.
    /// </summary>
    [Theory]
    [MemberData(nameof(EncapsulatedFiles))]
    public void Encapsulated_pixel_data_matches_pydicom(string fileName)
    {
        var path = ReferenceJson.PathOf(fileName);
        using var file = DicomFile.Open(path);
        using var ours = JsonDocument.Parse(DicomJsonWriter.Write(file.Dataset));
        var pydicom = ReferenceJson.Pydicom(path);

        var ourPixels = ours.RootElement.GetProperty("7FE00010").GetProperty("InlineBinary").GetBytesFromBase64();
        var theirPixels = pydicom.GetProperty("7FE00010").GetProperty("InlineBinary").GetBytesFromBase64();

        Assert.Equal(theirPixels.Length, ourPixels.Length);
        Assert.True(theirPixels.AsSpan().SequenceEqual(ourPixels));
    }

    [Fact]
    public void Encapsulated_pixel_data_read_back_is_a_fragment_sequence_again()
    {
        using var file = DicomFile.Open(ReferenceJson.PathOf("SC_rgb_rle_2frame.dcm"));
        var original = (DicomFragmentSequence)file.Dataset[new DicomTag(0x7FE00010)]!;

        var read = DicomJsonReader.Read(DicomJsonWriter.Write(file.Dataset));

        var fragments = Assert.IsType<DicomFragmentSequence>(read[new DicomTag(0x7FE00010)]);
        Assert.Equal(original.Fragments.Count, fragments.Fragments.Count);
        Assert.Equal(original.GetBasicOffsets(), fragments.GetBasicOffsets());
        for (var i = 0; i < original.Fragments.Count; i++)
        {
            Assert.True(original.Fragments[i].GetMemory().Span.SequenceEqual(fragments.Fragments[i].GetMemory().Span));
        }
    }
}
