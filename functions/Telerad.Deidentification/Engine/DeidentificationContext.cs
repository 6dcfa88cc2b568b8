namespace Telerad.Deidentification;

/// <summary>Per-instance state of one de-identification: keyed mapper, identifiers to scrub, the date shift, counters.</summary>
internal sealed class DeidentificationContext(
    DeidentificationProfile profile,
    KeyedMapper mapper,
    IdentifierScrubber scrubber,
    int dateShiftDays,
    string patientPseudonym)
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public DeidentificationProfile Profile { get; } = profile;

    public KeyedMapper Mapper { get; } = mapper;

    public IdentifierScrubber Scrubber { get; } = scrubber;

    public int DateShiftDays { get; } = dateShiftDays;

    public string PatientPseudonym { get; } = patientPseudonym;

    public bool ShiftDates => Profile.Has(DeidentificationOption.RetainLongitudinalTemporalInformationModifiedDates);

    public IReadOnlyDictionary<string, int> Counts => _counts;

    public void Count(string what) => _counts[what] = _counts.GetValueOrDefault(what) + 1;
}
