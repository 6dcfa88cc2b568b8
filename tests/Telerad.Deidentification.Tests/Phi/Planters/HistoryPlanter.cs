using static Telerad.Deidentification.Tests.Phi.PlantedIdentifiers;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// Where old values hide: Original Attributes Sequence (PS3.3 C.12.1.1.9, the values before a coercion, three
/// levels deep) and Digital Signatures (C.12.1.1.3; a certificate names its signer). PS3.15 E.1.1 removes both.
/// </summary>
public static class HistoryPlanter
{
    public static void Plant(PlantFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        OriginalAttributes(file);
        Signature(file);
    }

    private static void OriginalAttributes(PlantFile file)
    {
        const string c = PlantCategory.OriginalAttributes;
        var original = file.Root.AppendItem(DicomTags.OriginalAttributesSequence);
        original.Text(DicomTags.AttributeModificationDateTime, DicomVR.DT, BirthDate.Value + "120000", c)
            .Text(DicomTags.ModifyingSystem, DicomVR.LO, Station.Value, c)
            .Text(DicomTags.SourceOfPreviousValues, DicomVR.LO, Institution.Value, c)
            .PlainText(DicomTags.ReasonForTheAttributeModification, DicomVR.CS, "COERCE");
        var modified = original.Item(DicomTags.ModifiedAttributesSequence);
        modified.Text(DicomTags.PatientName, DicomVR.PN, file.PrimaryName.Value, c)
            .Text(DicomTags.PatientID, DicomVR.LO, PatientId.Value, c)
            .Text(DicomTags.PatientBirthDate, DicomVR.DA, BirthDate.Value, c)
            .Text(DicomTags.AccessionNumber, DicomVR.SH, Accession.Value, c)
            .Text(DicomTags.StudyInstanceUID, DicomVR.UI, file.NewUid(), c);
        modified.Item(DicomTags.OtherPatientIDsSequence)
            .Text(DicomTags.PatientID, DicomVR.LO, OtherPatientId.Value, c)
            .Text(DicomTags.IssuerOfPatientID, DicomVR.LO, Issuer.Value, c);
        var block = modified.PrivateBlock(0x0011, "PLANT HISTORY");
        modified.Text(PlantSite.PrivateTag(0x0011, block, 0x01), DicomVR.LO, PlantTexts.Medium(file, 2), c);
    }

    private static void Signature(PlantFile file)
    {
        const string c = PlantCategory.DigitalSignature;
        var signature = file.Root.AppendItem(DicomTags.DigitalSignaturesSequence);
        signature.PlainUInt16(DicomTags.MACIDNumber, 1)
            .Text(DicomTags.DigitalSignatureUID, DicomVR.UI, file.NewUid(), c)
            .Text(DicomTags.DigitalSignatureDateTime, DicomVR.DT, BirthDate.Value + "093000", c)
            .PlainText(DicomTags.CertificateType, DicomVR.CS, "X509_1993_SIG")
            .Bytes(DicomTags.CertificateOfSigner, DicomVR.OB, "CN=Odwin Vrexlar,O=Quixburg Memorial Hospital,serialNumber=MRN-77319462-PLANT", PhiEncoding.Ascii, c, "certificate subject")
            .Bytes(DicomTags.Signature, DicomVR.OB, "Zqxwv^Plantedname", PhiEncoding.Utf16BE, c, "signature bytes UTF-16BE");
    }
}
