namespace Telerad.Deidentification;

/// <summary>
/// What a de-identified instance says about itself (PS3.15 E.1.1 and PS3.3 C.7.1.1): Patient Identity
/// Removed = YES, De-identification Method, the CID 7050 codes of the profile and its options, and whether
/// longitudinal temporal information was modified, kept or removed.
/// </summary>
internal sealed class Marks
{
    public const string Edition = "PS3.15 2026c";

    private readonly DicomDataset _template = new();

    /// <summary>The marks of a profile are the same for every instance: encoded once, copied per instance.</summary>
    public Marks(DeidentificationProfile profile)
    {
        Build(_template, profile);
    }

    public void AddTo(DicomDataset target)
    {
        foreach (var item in _template)
        {
            target.Set(item is DicomSequence sequence ? new DicomSequence(sequence.Tag, sequence.Items.Select(i => i.Clone())) : item);
        }
    }

    private static void Build(DicomDataset target, DeidentificationProfile profile)
    {
        target.SetString(DicomTags.PatientIdentityRemoved, "YES", DicomVR.CS);
        var codes = DeidentificationMethodCodes.For(profile);
        var method = new List<string> { Truncate($"Telerad {profile.Name} profile ({Edition})") };
        method.AddRange(codes.Select(c => Truncate(c.Meaning)));
        target.SetStrings(DicomTags.DeidentificationMethod, method, DicomVR.LO);

        var items = codes.Select(c =>
        {
            var item = new DicomDataset();
            item.SetString(DicomTags.CodeValue, c.Value, DicomVR.SH);
            item.SetString(DicomTags.CodingSchemeDesignator, c.Scheme, DicomVR.SH);
            item.SetString(DicomTags.CodeMeaning, c.Meaning, DicomVR.LO);
            return item;
        });
        target.SetSequence(DicomTags.DeidentificationMethodCodeSequence, items);

        var temporal = profile.Has(DeidentificationOption.RetainLongitudinalTemporalInformationModifiedDates) ? "MODIFIED"
            : profile.Has(DeidentificationOption.RetainLongitudinalTemporalInformationFullDates) ? "UNMODIFIED"
            : "REMOVED";
        target.SetString(DicomTags.LongitudinalTemporalInformationModified, temporal, DicomVR.CS);
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64];
}
