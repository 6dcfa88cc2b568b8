using Telerad.Dicom.Generator;
using Telerad.Dicom.Tests;

namespace Telerad.Deidentification.Tests;

/// <summary>
/// Policy/keep-list.csv names each kept attribute by tag and keyword. The engine reads only the tag (so it
/// does not load the data dictionary); here every row is checked against the dictionary and the engine.
/// </summary>
public class KeepListTests
{
    private static List<Dictionary<string, string>> Rows() =>
        DictionaryGenerator.ReadCsv(Path.Combine(TestData.RepositoryRoot, "functions", "Telerad.Deidentification", "Policy", "keep-list.csv"));

    [Fact]
    public void Every_row_names_a_dictionary_attribute_by_its_own_tag_and_keyword_with_a_reason()
    {
        var rows = Rows();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            Assert.True(DicomDictionary.TryGetTag(row["keyword"], out var expected), $"'{row["keyword"]}' is not a dictionary keyword");
            Assert.Equal($"({expected.Group:X4},{expected.Element:X4})", row["tag"]);
            Assert.False(string.IsNullOrWhiteSpace(row["reason"]), $"'{row["keyword"]}' has no reason");
        }
    }

    [Fact]
    public void The_engine_keeps_exactly_the_listed_tags()
    {
        var listed = Rows().Select(r => DicomDictionary.FindByKeyword(r["keyword"])!.Tag).ToHashSet();
        Assert.Equal(listed.Order(), RetentionRules.KeepListTags.Order());
    }

    [Fact]
    public void Keep_listed_text_stays_and_other_unlisted_text_loses_its_value()
    {
        var dataset = new DicomDataset();
        dataset.SetString(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.2", DicomVR.UI);
        dataset.SetString(DicomTags.SOPInstanceUID, "1.2.3.4.5.6", DicomVR.UI);
        dataset.SetString(DicomTags.StudyInstanceUID, "1.2.3.4.5", DicomVR.UI);
        dataset.SetString(DicomTags.SeriesInstanceUID, "1.2.3.4.5.1", DicomVR.UI);
        dataset.SetString(DicomTags.ConvolutionKernel, "B30f", DicomVR.SH);
        dataset.SetString(DicomTags.FrameLabelVector, "label", DicomVR.SH); // unlisted, not keep-listed

        var keys = new DeidentificationKeys("tenant-a", new byte[32].Select((_, i) => (byte)(i + 1)).ToArray(), new byte[32]);
        var result = new Deidentifier(DeidentificationProfile.Basic, keys).Deidentify(dataset);

        Assert.Equal("B30f", result.Dataset!.GetString(DicomTags.ConvolutionKernel));
        Assert.True(result.Dataset.Contains(DicomTags.FrameLabelVector));
        Assert.Equal(string.Empty, result.Dataset.GetString(DicomTags.FrameLabelVector));
    }
}
