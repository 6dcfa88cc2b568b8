namespace Telerad.Deidentification;

/// <summary>
/// Applies a <see cref="DeidentificationProfile"/> to one instance with a tenant's keys (PS3.15 Annex E).
/// Deterministic: the same input, profile and keys give the same output on any machine. The input is not
/// changed; the output shares the input's (immutable) values, so pixel data is never copied or loaded.
/// </summary>
public sealed class Deidentifier
{
    private readonly DeidentificationProfile _profile;
    private readonly DeidentificationKeys _keys;
    private readonly ConfidentialityProfileTable _table = ConfidentialityProfileTable.Standard;
    private readonly DeidAction[] _actions;
    private readonly KeyedMapper _mapper;
    private readonly Marks _marks;

    public Deidentifier(DeidentificationProfile profile, DeidentificationKeys keys)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(keys);
        profile.Validate();
        _profile = profile;
        _keys = keys;
        // The action of every table row under this profile, decided once.
        _actions = new DeidAction[_table.Rows.Count];
        foreach (var row in _table.Rows)
        {
            _actions[row.Index] = ActionResolver.ToAction(ActionResolver.EffectiveCode(row, profile));
        }

        _mapper = new KeyedMapper(keys.PseudonymKey);
        _marks = new Marks(profile);
    }

    public DeidentificationProfile Profile => _profile;

    /// <summary>The keyed replacement of a UID, as this de-identifier writes it (pseudonymous keys for study/series/instance).</summary>
    public string PseudonymousUid(string uid)
    {
        ArgumentException.ThrowIfNullOrEmpty(uid);
        return _mapper.MapUid(uid);
    }

    /// <summary>Why the instance would be quarantined (burned-in text risk, documents, missing UIDs), or null; pixels are not read.</summary>
    public QuarantineReason? Screen(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Screening.Check(dataset, _profile).Quarantine;
    }

    /// <summary>De-identifies a data set, or says why it must be quarantined.</summary>
    public DeidentificationResult Deidentify(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var screening = Screening.Check(dataset, _profile);
        if (screening.Quarantine is { } quarantine)
        {
            return Quarantined(quarantine);
        }

        BlankedPixelValue? blanked = null;
        if (screening.BlankWith is { } rule)
        {
            (blanked, var problem) = BlankedPixelValue.Create(dataset, rule.Regions);
            if (blanked is null)
            {
                return Quarantined(new QuarantineReason(QuarantineReason.BurnedInAnnotation, $"A region blanking rule matches, but {problem}."));
            }
        }

        var mapper = _mapper;
        var issuer = dataset.GetString(DicomTags.IssuerOfPatientID);
        var patientId = dataset.GetString(DicomTags.PatientID);
        var studyUid = dataset.GetUid(DicomTags.StudyInstanceUID)!;
        var patientKey = string.IsNullOrEmpty(patientId) ? "study:" + studyUid : patientId;
        var context = new DeidentificationContext(
            _profile,
            mapper,
            IdentifierScrubber.For(dataset),
            mapper.DateShiftDays(issuer, patientKey, _profile.MinDateShiftDays, _profile.MaxDateShiftDays),
            mapper.PatientPseudonym(issuer, patientKey));

        var output = new DicomDataset();
        new DatasetRewriter(_table, _actions, context).Rewrite(dataset, output, depth: 0);
        if (blanked is not null && output[DicomTags.PixelData] is DicomElement pixels)
        {
            output.Set(new DicomElement(DicomTags.PixelData, pixels.VR, blanked));
            output.SetString(DicomTags.BurnedInAnnotation, "NO", DicomVR.CS);
            context.Count("regions-blanked");
        }

        PatientAgeFiller.AddIfMissing(dataset, output, _profile);
        _marks.AddTo(output);

        var entry = new ReidentificationEntry
        {
            TenantId = _keys.TenantId,
            DeidentifiedStudyInstanceUid = output.GetUid(DicomTags.StudyInstanceUID)!,
            OriginalStudyInstanceUid = studyUid,
            AccessionNumber = NullIfEmpty(dataset.GetString(DicomTags.AccessionNumber)),
            PatientId = NullIfEmpty(patientId),
            IssuerOfPatientId = NullIfEmpty(issuer),
            PatientName = NullIfEmpty(dataset.GetString(DicomTags.PatientName)),
            PatientBirthDate = NullIfEmpty(dataset.GetString(DicomTags.PatientBirthDate)),
            ReferringPhysicianName = NullIfEmpty(dataset.GetString(DicomTags.ReferringPhysicianName)),
            DateShiftDays = _profile.Has(DeidentificationOption.RetainLongitudinalTemporalInformationModifiedDates) ? context.DateShiftDays : 0,
            PseudonymKeyId = _keys.PseudonymKeyId,
        };

        return new DeidentificationResult
        {
            Outcome = DeidentificationOutcome.Deidentified,
            Dataset = output,
            Reidentification = entry,
            ActionCounts = context.Counts,
            SopInstanceUid = output.GetUid(DicomTags.SOPInstanceUID),
            StudyInstanceUid = entry.DeidentifiedStudyInstanceUid,
            SeriesInstanceUid = output.GetUid(DicomTags.SeriesInstanceUID),
        };
    }

    private static DeidentificationResult Quarantined(QuarantineReason reason) =>
        new() { Outcome = DeidentificationOutcome.Quarantined, Quarantine = reason };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
