using static Telerad.Deidentification.Tests.Phi.PlantedIdentifiers;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// Standard attributes that arrive as UN (PS3.5 6.2.2: explicit VR UN for a tag the sender did not know), which an
/// engine must act on by tag like any other: text in UN, a sequence as UN of undefined length, and a sequence's
/// items as the defined-length value of a UN element. Explicit VR files only.
/// </summary>
public static class UnknownVRPlanter
{
    public static void Plant(PlantFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!file.ExplicitVR)
        {
            throw new InvalidOperationException("UN needs Explicit VR.");
        }

        const string c = PlantCategory.UnknownVR;
        var top = file.Root;
        top.Bytes(DicomTags.OtherPatientNames, DicomVR.UN, file.PrimaryName.Value, PhiEncoding.Ascii, c, "Other Patient Names as UN")
            .Bytes(DicomTags.ReferringPhysicianAddress, DicomVR.UN, "12 Vrexlar Row, Plantville", PhiEncoding.Ascii, c, "Referring Physician's Address as UN")
            .Bytes(DicomTags.MedicalAlerts, DicomVR.UN, "Plantedname MRN-77319462-PLANT", PhiEncoding.Ascii, c, "Medical Alerts as UN (cleaned, not removed, under Clean Descriptors)");

        top.Forget(DicomTags.OtherPatientIDsSequence);
        PrivatePlanter.UnknownSequence(file, DicomTags.OtherPatientIDsSequence, "Other Patient IDs Sequence as UN of undefined length");

        // Request Attributes Sequence (kept and cleaned under Clean Descriptors) as a UN leaf holding its items' bytes.
        var item = new DicomDataset();
        var description = PlantTexts.Medium(file, 0);
        item.Set(new DicomElement(DicomTags.RequestedProcedureDescription, DicomVR.LO, PlantSite.Pad(file.EncodeText(description), DicomVR.LO)));
        item.Set(new DicomElement(DicomTags.AccessionNumber, DicomVR.SH, PlantSite.Pad(PhiText.Encode(Accession.Value, PhiEncoding.Ascii), DicomVR.SH)));
        top.Forget(DicomTags.RequestAttributesSequence);
        top.Plain(DicomTags.RequestAttributesSequence, DicomVR.UN, PrivatePlanter.RawUnknown(DicomTags.RequestAttributesSequence, undefinedLength: false, [item]));
        file.Record(top.PathOf(DicomTags.RequestAttributesSequence), description + " " + Accession.Value, file.TextEncodingOf, c, "Request Attributes Sequence items as a defined-length UN value");
    }
}
