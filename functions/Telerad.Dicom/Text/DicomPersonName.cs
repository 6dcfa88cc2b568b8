namespace Telerad.Dicom;

/// <summary>PLACEHOLDER, replaced by the full implementation: a PN value's component groups.</summary>
public sealed record DicomPersonName(string Alphabetic, string Ideographic, string Phonetic)
{
    public static DicomPersonName Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var groups = text.Split('=');
        return new DicomPersonName(groups[0], groups.Length > 1 ? groups[1] : string.Empty, groups.Length > 2 ? groups[2] : string.Empty);
    }
}
