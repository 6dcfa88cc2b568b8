namespace Telerad.Deidentification;

/// <summary>
/// What must not be de-identified automatically: images that carry or may carry burned-in text
/// (PS3.15 E.3.1 Clean Pixel Data is not automated here), encapsulated documents (a PDF or CDA can hold
/// PHI anywhere), and instances without the UIDs that identify them.
/// </summary>
internal static class Screening
{
    /// <summary>Modalities whose images commonly carry burned-in text (ultrasound, photos, endoscopy, captures).</summary>
    private static readonly HashSet<string> AtRiskModalities = new(StringComparer.Ordinal) { "US", "XC", "ES", "OT", "SC", "GM", "DOC" };

    private const string SecondaryCaptureRoot = "1.2.840.10008.5.1.4.1.1.7";

    /// <summary>Pass, quarantine (with the reason) or blank with the profile's matching rule first.</summary>
    public sealed record Decision(QuarantineReason? Quarantine, RegionBlankingRule? BlankWith)
    {
        public static Decision Pass { get; } = new(null, null);
    }

    public static Decision Check(DicomDataset dataset, DeidentificationProfile profile)
    {
        var reason = Reason(dataset, profile, out var rule);
        return reason is not null ? new Decision(reason, null) : rule is not null ? new Decision(null, rule) : Decision.Pass;
    }

    private static QuarantineReason? Reason(DicomDataset dataset, DeidentificationProfile profile, out RegionBlankingRule? blankWith)
    {
        blankWith = null;
        foreach (var tag in new[] { DicomTags.SOPInstanceUID, DicomTags.StudyInstanceUID, DicomTags.SeriesInstanceUID, DicomTags.SOPClassUID })
        {
            if (string.IsNullOrEmpty(dataset.GetUid(tag)))
            {
                return new QuarantineReason(QuarantineReason.MissingIdentifiers, $"The instance has no {DicomDictionary.KeywordOf(tag)}.");
            }
        }

        if (dataset.Contains(DicomTags.EncapsulatedDocument))
        {
            return new QuarantineReason(QuarantineReason.UnsupportedContent,
                "Encapsulated documents (PDF, CDA, STL ...) can carry PHI anywhere in their content and are not de-identified automatically.");
        }

        // An image is recognised by its pixel data or, when only the header was read, by its Image Pixel module.
        var isImage = dataset.Contains(DicomTags.PixelData) || dataset.Contains(DicomTags.FloatPixelData) || dataset.Contains(DicomTags.DoubleFloatPixelData)
            || (dataset.Contains(DicomTags.Rows) && dataset.Contains(DicomTags.Columns));
        if (!isImage)
        {
            return null; // no image: nothing burned in
        }

        var burnedIn = dataset.GetString(DicomTags.BurnedInAnnotation)?.Trim().ToUpperInvariant();
        if (burnedIn == "NO")
        {
            return null;
        }

        var rule = RegionBlanking.Find(dataset, profile);
        if (burnedIn == "YES")
        {
            blankWith = rule;
            return rule is null
                ? new QuarantineReason(QuarantineReason.BurnedInAnnotation, "Burned In Annotation is YES and no region blanking rule of the profile matches this device.")
                : null;
        }

        var modality = dataset.GetString(DicomTags.Modality)?.Trim().ToUpperInvariant() ?? string.Empty;
        var sopClass = dataset.GetUid(DicomTags.SOPClassUID) ?? string.Empty;
        var secondaryCapture = sopClass == SecondaryCaptureRoot || sopClass.StartsWith(SecondaryCaptureRoot + ".", StringComparison.Ordinal);
        var atRisk = AtRiskModalities.Contains(modality) || secondaryCapture;
        if (atRisk && rule is null)
        {
            var what = secondaryCapture ? "Secondary capture images" : $"Modality {modality} images";
            return new QuarantineReason(QuarantineReason.BurnedInAnnotationRisk,
                $"{what} often carry burned-in text and Burned In Annotation is not NO; no region blanking rule matches.");
        }

        blankWith = atRisk ? rule : null;
        return null;
    }
}
