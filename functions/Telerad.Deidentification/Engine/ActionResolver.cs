namespace Telerad.Deidentification;

/// <summary>What to do with one attribute (PS3.15 Table E.1-1a action codes).</summary>
internal enum DeidAction
{
    /// <summary>X: remove (a sequence with all its items).</summary>
    Remove,

    /// <summary>Z: a zero-length value (a sequence without items).</summary>
    Empty,

    /// <summary>D: a non-zero dummy value consistent with the VR (a sequence is kept and its items cleaned).</summary>
    Dummy,

    /// <summary>K: keep (a sequence is kept and its items cleaned).</summary>
    Keep,

    /// <summary>C: clean: shift dates, scrub identifiers from text, replace device names.</summary>
    Clean,

    /// <summary>U: a keyed replacement UID.</summary>
    ReplaceUid,
}

/// <summary>Turns a table row and a profile into one action.</summary>
internal static class ActionResolver
{
    /// <summary>
    /// When several enabled options give a code for the same attribute, the first in this order wins:
    /// date handling is the most specific (a calibration date is a date before it is device identity),
    /// then the cleaning options, then the retaining ones.
    /// </summary>
    private static readonly DeidentificationOption[] Precedence =
    [
        DeidentificationOption.RetainLongitudinalTemporalInformationModifiedDates,
        DeidentificationOption.RetainLongitudinalTemporalInformationFullDates,
        DeidentificationOption.CleanStructuredContent,
        DeidentificationOption.CleanGraphics,
        DeidentificationOption.CleanDescriptors,
        DeidentificationOption.RetainPatientCharacteristics,
        DeidentificationOption.RetainDeviceIdentity,
        DeidentificationOption.RetainInstitutionIdentity,
        DeidentificationOption.RetainUids,
        DeidentificationOption.RetainSafePrivate,
    ];

    /// <summary>The code that applies: an enabled option's override, else the Basic column.</summary>
    public static string EffectiveCode(ProfileRow row, DeidentificationProfile profile) => EffectiveCode(row.Basic, row.OptionCodes, profile);

    public static string EffectiveCode(string basic, OptionCodes optionCodes, DeidentificationProfile profile)
    {
        foreach (var option in Precedence)
        {
            if (profile.Has(option) && optionCodes.TryGet(option, out var code))
            {
                return code;
            }
        }

        return basic;
    }

    /// <summary>
    /// Maps a code to an action. Compound codes (X/Z, X/D, Z/D, X/Z/D, X/Z/U*) choose by the attribute's type
    /// in the IOD; Telerad has no per-IOD type tables, so it takes the last alternative, the one that keeps
    /// any IOD valid (D or Z or U*) — never less removal of identity, since Z and D replace the value too.
    /// </summary>
    public static DeidAction ToAction(string code)
    {
        var last = code.Split('/')[^1];
        return last switch
        {
            "X" => DeidAction.Remove,
            "Z" => DeidAction.Empty,
            "D" => DeidAction.Dummy,
            "K" => DeidAction.Keep,
            "C" => DeidAction.Clean,
            "U" => DeidAction.ReplaceUid,
            "U*" => DeidAction.Keep, // keep the sequence; the UIDs inside are replaced by their own rows
            _ => throw new InvalidDataException($"Unknown action code '{code}' in Table E.1-1."),
        };
    }
}
