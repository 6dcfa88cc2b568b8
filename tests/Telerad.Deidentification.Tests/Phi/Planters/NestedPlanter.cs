using static Telerad.Deidentification.Tests.Phi.PlantedIdentifiers;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// Identifiers three levels down in standard sequences: Request Attributes (kept and cleaned under Clean
/// Descriptors), Referenced Study / Patient Sequences, and an SR Content Sequence with TEXT, PNAME, DATE and
/// DATETIME items (PS3.3 C.17.3). Table E.1-1 actions apply at every depth (PS3.15 E.1.1).
/// </summary>
public static class NestedPlanter
{
    private static readonly DicomTag CodeValue = DicomTags.CodeValue;

    public static void Plant(PlantFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        PlantRequestAttributes(file);
        PlantReferences(file);
        PlantContent(file);
    }

    private static void PlantRequestAttributes(PlantFile file)
    {
        const string c = PlantCategory.NestedSequence;
        var request = file.Root.AppendItem(DicomTags.RequestAttributesSequence);
        request.Text(DicomTags.RequestedProcedureID, DicomVR.SH, Accession.Value, c)
            .Text(DicomTags.AccessionNumber, DicomVR.SH, Accession.Value, c)
            .Text(DicomTags.RequestedProcedureDescription, DicomVR.LO, PlantTexts.Medium(file, 0), c)
            .Text(DicomTags.ScheduledProcedureStepDescription, DicomVR.LO, PlantTexts.Medium(file, 3), c)
            .Text(DicomTags.ScheduledProcedureStepID, DicomVR.SH, "SPS19630217", c)
            .Text(DicomTags.ReasonForTheRequestedProcedure, DicomVR.LO, PlantTexts.Medium(file, 2), c);

        // Level 2: a referenced study with a UID that embeds the MRN.
        var study = request.Item(DicomTags.ReferencedStudySequence);
        study.PlainText(DicomTags.ReferencedSOPClassUID, DicomVR.UI, "1.2.840.10008.3.1.2.3.1")
            .Text(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, file.NewUid(), PlantCategory.Uid);

        // Levels 2 and 3: Scheduled Protocol Code Sequence > Protocol Context Sequence content items.
        var protocol = request.Item(DicomTags.ScheduledProtocolCodeSequence);
        Code(protocol, "PLANT-1", "99PHI", "Planted protocol");
        var context = protocol.Item(DicomTags.ProtocolContextSequence);
        context.PlainText(DicomTags.ValueType, DicomVR.CS, "PNAME");
        Code(context.Item(DicomTags.ConceptNameCodeSequence), "121008", "DCM", "Person Observer Name");
        context.Text(DicomTags.PersonName, DicomVR.PN, OtherPhysician.Value, c);
        var dated = protocol.Item(DicomTags.ProtocolContextSequence, 1);
        dated.PlainText(DicomTags.ValueType, DicomVR.CS, "DATE");
        Code(dated.Item(DicomTags.ConceptNameCodeSequence), "111060", "DCM", "Study Date");
        dated.Text(DicomTags.Date, DicomVR.DA, BirthDate.Value, c)
            .Text(DicomTags.DateTime, DicomVR.DT, BirthDate.Value + "0900", c);

        // A private element inside a kept-and-cleaned sequence, three levels down.
        var block = context.PrivateBlock(0x0029, "PLANT NESTED PRIVATE");
        context.Text(PlantSite.PrivateTag(0x0029, block, 0x01), DicomVR.LO, PlantTexts.Medium(file, 0), PlantCategory.Private);
    }

    private static void PlantReferences(PlantFile file)
    {
        var study = file.Root.AppendItem(DicomTags.ReferencedStudySequence);
        study.PlainText(DicomTags.ReferencedSOPClassUID, DicomVR.UI, "1.2.840.10008.3.1.2.3.1")
            .Text(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, file.NewUid(), PlantCategory.Uid);
        var patient = file.Root.AppendItem(DicomTags.ReferencedPatientSequence);
        patient.PlainText(DicomTags.ReferencedSOPClassUID, DicomVR.UI, "1.2.840.10008.3.1.2.1.1")
            .Text(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, file.NewUid(), PlantCategory.Uid);
        // Level 3 under a sequence that is removed: a PN in an item of an item.
        patient.Item(DicomTags.ReferencedStudySequence)
            .Text(DicomTags.PatientName, DicomVR.PN, file.PrimaryName.Value, PlantCategory.NestedSequence);
    }

    /// <summary>
    /// An SR CONTAINER appended to the top-level Content Sequence (created if absent, e.g. in an image):
    /// CONTAINER > {TEXT, PNAME, DATE, UIDREF, CONTAINER > {TEXT, DATETIME}}.
    /// </summary>
    private static void PlantContent(PlantFile file)
    {
        const string s = PlantCategory.StructuredContent;
        var container = file.Root.AppendItem(DicomTags.ContentSequence);
        ContentItem(container, "CONTAINER", "121070", "Findings");
        container.PlainText(DicomTags.ContinuityOfContent, DicomVR.CS, "SEPARATE");

        var text = container.Item(DicomTags.ContentSequence, 0);
        ContentItem(text, "TEXT", "121071", "Finding");
        text.Text(DicomTags.TextValue, DicomVR.UT, PlantTexts.Long(file), s);

        var name = container.Item(DicomTags.ContentSequence, 1);
        ContentItem(name, "PNAME", "121008", "Person Observer Name");
        name.Text(DicomTags.PersonName, DicomVR.PN, file.PrimaryName.Value, s);

        var date = container.Item(DicomTags.ContentSequence, 2);
        ContentItem(date, "DATE", "121206", "Date of birth");
        date.Text(DicomTags.Date, DicomVR.DA, BirthDate.Value, s);

        var uid = container.Item(DicomTags.ContentSequence, 3);
        ContentItem(uid, "UIDREF", "121232", "Source series");
        uid.Text(DicomTags.UID, DicomVR.UI, file.NewUid(), s);

        var inner = container.Item(DicomTags.ContentSequence, 4);
        ContentItem(inner, "CONTAINER", "111028", "Image Library");
        inner.PlainText(DicomTags.ContinuityOfContent, DicomVR.CS, "SEPARATE");
        var deepText = inner.Item(DicomTags.ContentSequence, 0);
        ContentItem(deepText, "TEXT", "121106", "Comment");
        deepText.Text(DicomTags.TextValue, DicomVR.UT, $"MRN-77319462-PLANT {file.NameInText} ACC88123PLANT", s);
        var deepDate = inner.Item(DicomTags.ContentSequence, 1);
        ContentItem(deepDate, "DATETIME", "111526", "DateTime Started");
        deepDate.Text(DicomTags.DateTime, DicomVR.DT, BirthDate.Value + "071513", s);
    }

    private static void ContentItem(PlantSite item, string valueType, string code, string meaning)
    {
        item.PlainText(DicomTags.RelationshipType, DicomVR.CS, "CONTAINS")
            .PlainText(DicomTags.ValueType, DicomVR.CS, valueType);
        Code(item.Item(DicomTags.ConceptNameCodeSequence), code, "DCM", meaning);
    }

    private static void Code(PlantSite item, string value, string scheme, string meaning) =>
        item.PlainText(CodeValue, DicomVR.SH, value)
            .PlainText(DicomTags.CodingSchemeDesignator, DicomVR.SH, scheme)
            .PlainText(DicomTags.CodeMeaning, DicomVR.LO, meaning);
}
