using static Telerad.Deidentification.Tests.Phi.PlantedIdentifiers;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>The Patient and Patient Demographic modules (PS3.3 C.7.1.1, C.2.3), Other Patient IDs/Names, Visit identifiers.</summary>
public static class PatientPlanter
{
    public static void Plant(PlantFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var top = file.Root;
        const string p = PlantCategory.PatientModule;
        top.Text(DicomTags.PatientName, DicomVR.PN, file.PrimaryName.Value, p)
            .Text(DicomTags.PatientID, DicomVR.LO, PatientId.Value, p)
            .Text(DicomTags.IssuerOfPatientID, DicomVR.LO, Issuer.Value, p)
            .Text(DicomTags.PatientBirthDate, DicomVR.DA, BirthDate.Value, p)
            .Text(DicomTags.PatientBirthTime, DicomVR.TM, BirthTime.Value, p)
            .Text(DicomTags.PatientBirthName, DicomVR.PN, "Plantedname^Zqxwv", p)
            .Text(DicomTags.PatientMotherBirthName, DicomVR.PN, "Plantedname^Orla", p)
            .Text(DicomTags.ResponsiblePerson, DicomVR.PN, "Plantedname^Orla", p)
            .Text(DicomTags.PatientAddress, DicomVR.LO, Address.Value, p)
            .Text(DicomTags.PatientTelephoneNumbers, DicomVR.SH, Phone.Value, p)
            .Text(DicomTags.PatientTelecomInformation, DicomVR.LT, "tel:+1-555-0199-4417; mailto:zqxwv.plantedname@example.org", p)
            .Text(DicomTags.MilitaryRank, DicomVR.LO, MilitaryRank.Value, p)
            .Text(DicomTags.EthnicGroup, DicomVR.SH, EthnicGroup.Value, p)
            .Text(DicomTags.Occupation, DicomVR.SH, Occupation.Value, p)
            .Text(DicomTags.MedicalAlerts, DicomVR.LO, $"{file.NameInText} MRN-77319462-PLANT: latex", p)
            .Text(DicomTags.Allergies, DicomVR.LO, "Plantedname, born 1963-02-17: penicillin", p)
            .Text(DicomTags.AdditionalPatientHistory, DicomVR.LT, PlantTexts.Long(file), p)
            .Text(DicomTags.PatientComments, DicomVR.LT, PlantTexts.Long(file), p)
            .Text(DicomTags.AdmissionID, DicomVR.LO, "ADM-" + PatientId.Value, p);

        const string o = PlantCategory.OtherIds;
        top.Text(DicomTags.OtherPatientIDs, DicomVR.LO, $"{OtherPatientId.Value}\\{PatientId.Value}", o)
            .Values(DicomTags.OtherPatientNames, DicomVR.PN, file.PatientNames.Select(n => n.Value), o);

        // Other Patient IDs Sequence, three levels deep: item > Issuer of Patient ID Qualifiers > Assigning Facility.
        var other = top.AppendItem(DicomTags.OtherPatientIDsSequence);
        other.Text(DicomTags.PatientID, DicomVR.LO, OtherPatientId.Value, o)
            .Text(DicomTags.IssuerOfPatientID, DicomVR.LO, Issuer.Value, o)
            .PlainText(DicomTags.TypeOfPatientID, DicomVR.CS, "TEXT");
        var qualifiers = other.Item(DicomTags.IssuerOfPatientIDQualifiersSequence);
        qualifiers.Text(DicomTags.UniversalEntityID, DicomVR.UT, "Zelmoor-" + PatientId.Value, o)
            .Item(DicomTags.AssigningFacilitySequence)
            .Text(DicomTags.LocalNamespaceEntityID, DicomVR.UT, Institution.Value, o);
        top.AppendItem(DicomTags.OtherPatientIDsSequence)
            .Text(DicomTags.PatientID, DicomVR.LO, PatientId.Value, o)
            .Text(DicomTags.IssuerOfPatientID, DicomVR.LO, Institution.Value, o);
    }
}
