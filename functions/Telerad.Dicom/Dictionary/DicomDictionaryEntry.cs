namespace Telerad.Dicom;

/// <summary>
/// One PS3.6 data element. Repeating-group entries such as (60xx,3000) carry a <see cref="Mask"/>:
/// a tag matches when <c>(tag &amp; Mask) == Tag</c>.
/// </summary>
public sealed record DicomDictionaryEntry(
    DicomTag Tag,
    uint Mask,
    string Keyword,
    string Name,
    IReadOnlyList<DicomVR> ValueRepresentations,
    string ValueMultiplicity,
    bool IsRetired)
{
    /// <summary>The first VR the standard lists; for "US or SS" and "OB or OW" the reader refines it from context.</summary>
    public DicomVR VR => ValueRepresentations.Count > 0 ? ValueRepresentations[0] : DicomVR.None;

    public bool IsRepeating => Mask != 0xFFFFFFFFu;

    /// <summary>The pattern as PS3.6 prints it, e.g. "(60xx,3000)".</summary>
    public string TagPattern
    {
        get
        {
            var chars = new char[8];
            for (var i = 0; i < 8; i++)
            {
                var shift = 28 - (i * 4);
                chars[i] = ((Mask >> shift) & 0xF) == 0 ? 'x' : "0123456789ABCDEF"[(int)((Tag.Value >> shift) & 0xF)];
            }

            return $"({new string(chars, 0, 4)},{new string(chars, 4, 4)})";
        }
    }
}
