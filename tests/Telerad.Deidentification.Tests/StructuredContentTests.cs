using Telerad.Dicom.Generator;
using Telerad.Dicom.Tests;

namespace Telerad.Deidentification.Tests;

/// <summary>Clean Structured Content: SR content items judged by their concept name (PS3.15 Table E.3.4-1).</summary>
public class StructuredContentTests
{
    private static readonly DeidentificationKeys Keys = DeidentificationKeys.Generate("t1");

    private static DicomDataset Item(string valueType, string code, string scheme, string meaning, Action<DicomDataset> value)
    {
        var item = new DicomDataset();
        item.SetString(DicomTags.RelationshipType, "CONTAINS");
        item.SetString(DicomTags.ValueType, valueType);
        var concept = new DicomDataset();
        concept.SetString(DicomTags.CodeValue, code);
        concept.SetString(DicomTags.CodingSchemeDesignator, scheme);
        concept.SetString(DicomTags.CodeMeaning, meaning);
        item.SetSequence(DicomTags.ConceptNameCodeSequence, concept);
        value(item);
        return item;
    }

    private static DicomDataset Report()
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.88.22");
        ds.SetString(DicomTags.SOPInstanceUID, "1.2.3.9.1");
        ds.SetString(DicomTags.StudyInstanceUID, "1.2.3.9");
        ds.SetString(DicomTags.SeriesInstanceUID, "1.2.3.9.2");
        ds.SetString(DicomTags.Modality, "SR");
        ds.SetString(DicomTags.PatientID, "MRN-55");
        ds.SetString(DicomTags.PatientName, "Quell^Orvina");
        ds.SetString(DicomTags.ValueType, "CONTAINER");
        ds.SetSequence(DicomTags.ContentSequence,
            Item("TEXT", "121022", "DCM", "Accession Number", i => i.SetString(DicomTags.TextValue, "ACC-998877")),
            Item("DATE", "126201", "DCM", "Acquisition Date", i => i.SetString(DicomTags.Date, "20200102")),
            Item("TEXT", "T-001", "99LOCAL", "Comment", i => i.SetString(DicomTags.TextValue, "Nodule seen; Orvina Quell to follow up")));
        return ds;
    }

    [Fact]
    public void Concepts_in_the_table_get_their_action_and_other_text_is_scrubbed()
    {
        var table = DictionaryGenerator.ReadCsv(Path.Combine(TestData.RepositoryRoot, "functions", "Telerad.Deidentification", "Standard", "ps3.15-table-e3.4-1-clean-structured-content.csv"));
        Assert.Equal("X", table.Single(r => r["code_value"] == "121022" && r["value_type"] == "TEXT")["basic"]);
        Assert.Equal("C", table.Single(r => r["code_value"] == "126201" && r["value_type"] == "DATE")["rtn_long_modif_dates"]);
        Assert.DoesNotContain(table, r => r["code_value"] == "T-001");

        var profile = DeidentificationProfile.Reading with
        {
            Name = "sr",
            Options = new HashSet<DeidentificationOption>(DeidentificationProfile.Reading.Options) { DeidentificationOption.CleanStructuredContent },
        };
        var result = new Deidentifier(profile, Keys).Deidentify(Report());
        var items = result.Dataset!.GetSequence(DicomTags.ContentSequence)!.Items;
        Assert.Equal(2, items.Count); // the accession number item is gone
        Assert.DoesNotContain(items, i => i.GetSequence(DicomTags.ConceptNameCodeSequence)!.Items[0].GetString(DicomTags.CodeValue) == "121022");

        var date = items.Single(i => i.GetString(DicomTags.ValueType) == "DATE");
        var shift = result.Reidentification!.DateShiftDays;
        Assert.Equal(new DateOnly(2020, 1, 2).AddDays(shift).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), date.GetString(DicomTags.Date));

        var finding = items.Single(i => i.GetString(DicomTags.ValueType) == "TEXT").GetString(DicomTags.TextValue)!;
        Assert.StartsWith("Nodule seen; ", finding, StringComparison.Ordinal);
        Assert.DoesNotContain("Orvina", finding, StringComparison.Ordinal);
        Assert.DoesNotContain("Quell", finding, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_option_content_text_is_replaced_and_items_stay()
    {
        var result = new Deidentifier(DeidentificationProfile.Reading, Keys).Deidentify(Report());
        var items = result.Dataset!.GetSequence(DicomTags.ContentSequence)!.Items;
        Assert.Equal(3, items.Count);
        Assert.All(items.Where(i => i.GetString(DicomTags.ValueType) == "TEXT"), i => Assert.Equal("ANONYMIZED", i.GetString(DicomTags.TextValue)));
    }
}
