using static Telerad.Deidentification.Tests.Phi.PlantedIdentifiers;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// Plants into the elements a real file already has, at every depth: every PN, DA, DT, AE and free-text element,
/// and every UID, that Table E.1-1 lists with an action other than K. Real files put these in places a synthetic
/// data set would not think of (RT beam sequences, SR observer contexts, private sequences).
/// </summary>
public static class ExistingElementPlanter
{
    public static void Plant(PlantFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var variant = 0;
        Walk(file.Root, ref variant);
    }

    private static void Walk(PlantSite site, ref int variant)
    {
        var table = ConfidentialityTables.Standard;
        foreach (var item in site.Dataset.ToList())
        {
            if (item is DicomSequence sequence)
            {
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    Walk(site.Item(sequence.Tag, i), ref variant);
                }

                continue;
            }

            if (item is not DicomElement element || item.Tag.Group is 0x0002 || (item.Tag.Group & 1) == 1)
            {
                continue;
            }

            var action = table.BasicAction(item.Tag);
            if (action is null or "K" || item.Tag == DicomTags.SpecificCharacterSet)
            {
                continue;
            }

            variant++;
            switch (element.VR)
            {
                case DicomVR.PN:
                    site.Text(item.Tag, DicomVR.PN, NameFor(site.File, item.Tag), item.Tag.Group == 0x0010 ? PlantCategory.PatientModule : PlantCategory.PersonName, "existing " + DicomDictionary.KeywordOf(item.Tag));
                    break;
                case DicomVR.DA:
                    site.Text(item.Tag, DicomVR.DA, BirthDate.Value, PlantCategory.DateTime, "existing " + DicomDictionary.KeywordOf(item.Tag));
                    break;
                case DicomVR.DT:
                    site.Text(item.Tag, DicomVR.DT, BirthDate.Value + "104500", PlantCategory.DateTime, "existing " + DicomDictionary.KeywordOf(item.Tag));
                    break;
                case DicomVR.UI when action.Contains('U', StringComparison.Ordinal):
                    var original = site.Dataset.GetUid(item.Tag) ?? string.Empty;
                    site.Text(item.Tag, DicomVR.UI, site.File.UidFor(original), PlantCategory.Uid, "existing " + DicomDictionary.KeywordOf(item.Tag));
                    break;
                case DicomVR.AE:
                    site.Text(item.Tag, DicomVR.AE, Station.Value, PlantCategory.Equipment, "existing " + DicomDictionary.KeywordOf(item.Tag));
                    break;
                case DicomVR.LO or DicomVR.SH or DicomVR.LT or DicomVR.ST or DicomVR.UT or DicomVR.UC when !table.IsTemporal(item.Tag):
                    // Temporal text (e.g. Timezone Offset From UTC) is shifted, not cleaned, under Modified Dates: not free text.
                    site.Text(item.Tag, element.VR, TextFor(site.File, item.Tag, element.VR, variant), PlantCategory.FreeText, "existing " + DicomDictionary.KeywordOf(item.Tag));
                    break;
            }
        }
    }

    private static string NameFor(PlantFile file, DicomTag tag)
    {
        if (tag.Group == 0x0010)
        {
            return file.PrimaryName.Value;
        }

        if (tag == DicomTags.ReferringPhysicianName || tag == DicomTags.ConsultingPhysicianName)
        {
            return ReferringPhysician.Value;
        }

        return tag == DicomTags.OperatorsName ? Operator.Value : OtherPhysician.Value;
    }

    private static string TextFor(PlantFile file, DicomTag tag, DicomVR vr, int variant)
    {
        if (tag == DicomTags.PatientID || tag == DicomTags.AdmissionID)
        {
            return PatientId.Value;
        }

        if (tag == DicomTags.AccessionNumber || tag == DicomTags.StudyID)
        {
            return Accession.Value;
        }

        if (tag == DicomTags.InstitutionName)
        {
            return Institution.Value;
        }

        if (tag == DicomTags.StationName)
        {
            return Station.Value;
        }

        if (tag == DicomTags.DeviceSerialNumber)
        {
            return DeviceSerial.Value;
        }

        return PlantTexts.ForVR(file, vr, variant) ?? throw new InvalidOperationException($"No text for VR {vr}.");
    }
}
