using static Telerad.Deidentification.Tests.Phi.PlantedIdentifiers;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>General Study, Series, Equipment and Image modules: people, institution, device, descriptions, dates and UIDs.</summary>
public static class StudyPlanter
{
    public static void Plant(PlantFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var top = file.Root;

        const string n = PlantCategory.PersonName;
        top.Text(DicomTags.ReferringPhysicianName, DicomVR.PN, ReferringPhysician.Value, n)
            .Text(DicomTags.ConsultingPhysicianName, DicomVR.PN, ReferringPhysician.Value, n)
            .Values(DicomTags.PhysiciansOfRecord, DicomVR.PN, [OtherPhysician.Value, ReferringPhysician.Value], n)
            .Text(DicomTags.PerformingPhysicianName, DicomVR.PN, OtherPhysician.Value, n)
            .Text(DicomTags.NameOfPhysiciansReadingStudy, DicomVR.PN, OtherPhysician.Value, n)
            .Text(DicomTags.RequestingPhysician, DicomVR.PN, ReferringPhysician.Value, n)
            .Text(DicomTags.OperatorsName, DicomVR.PN, Operator.Value, n);

        const string e = PlantCategory.Equipment;
        top.Text(DicomTags.AccessionNumber, DicomVR.SH, Accession.Value, PlantCategory.PatientModule)
            .Text(DicomTags.StudyID, DicomVR.SH, Accession.Value, PlantCategory.PatientModule)
            .Text(DicomTags.InstitutionName, DicomVR.LO, Institution.Value, e)
            .Text(DicomTags.InstitutionAddress, DicomVR.ST, "1 Quixburg Plaza, Plantville", e)
            .Text(DicomTags.InstitutionalDepartmentName, DicomVR.LO, "Quixburg Radiology", e)
            .Text(DicomTags.ReferringPhysicianAddress, DicomVR.ST, "12 Vrexlar Row, Plantville", e)
            .Text(DicomTags.ReferringPhysicianTelephoneNumbers, DicomVR.SH, Phone.Value, e)
            .Text(DicomTags.StationName, DicomVR.SH, Station.Value, e)
            .Text(DicomTags.StationAETitle, DicomVR.AE, Station.Value, e)
            .Text(DicomTags.RetrieveAETitle, DicomVR.AE, Station.Value, e)
            .Text(DicomTags.DeviceSerialNumber, DicomVR.LO, DeviceSerial.Value, e);

        const string t = PlantCategory.FreeText;
        top.Text(DicomTags.StudyDescription, DicomVR.LO, PlantTexts.Medium(file, 0), t)
            .Text(DicomTags.SeriesDescription, DicomVR.LO, PlantTexts.Medium(file, 1), t)
            .Text(DicomTags.ProtocolName, DicomVR.LO, PlantTexts.Medium(file, 2), t)
            .Text(DicomTags.AdmittingDiagnosesDescription, DicomVR.LO, PlantTexts.Medium(file, 3), t)
            .Text(DicomTags.RequestedProcedureDescription, DicomVR.LO, PlantTexts.Medium(file, 0), t)
            .Text(DicomTags.PerformedProcedureStepDescription, DicomVR.LO, PlantTexts.Medium(file, 1), t)
            .Text(DicomTags.StudyComments, DicomVR.LT, PlantTexts.Long(file), t)
            .Text(DicomTags.ImageComments, DicomVR.LT, PlantTexts.Long(file), t)
            .Text(DicomTags.DerivationDescription, DicomVR.ST, PlantTexts.Long(file), t)
            .Text(DicomTags.AcquisitionComments, DicomVR.LT, PlantTexts.Long(file), t);

        // The birth date as every date of the study (PS3.15 E.3.6: dates shift or go, so it must not survive).
        const string d = PlantCategory.DateTime;
        foreach (var tag in new[] { DicomTags.StudyDate, DicomTags.SeriesDate, DicomTags.AcquisitionDate, DicomTags.ContentDate, DicomTags.InstanceCreationDate })
        {
            top.Text(tag, DicomVR.DA, BirthDate.Value, d);
        }

        top.Text(DicomTags.AcquisitionDateTime, DicomVR.DT, BirthDate.Value + "104500", d);

        // UIDs that embed the MRN digits and the birth date; originals map consistently (ExistingElementPlanter).
        const string u = PlantCategory.Uid;
        foreach (var tag in new[] { DicomTags.StudyInstanceUID, DicomTags.SeriesInstanceUID, DicomTags.SOPInstanceUID, DicomTags.FrameOfReferenceUID })
        {
            var original = file.Dataset.GetUid(tag);
            top.Text(tag, DicomVR.UI, string.IsNullOrEmpty(original) ? file.NewUid() : file.UidFor(original), u);
        }
    }
}
