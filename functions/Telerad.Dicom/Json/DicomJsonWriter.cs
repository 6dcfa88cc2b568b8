namespace Telerad.Dicom;

/// <summary>PLACEHOLDER, replaced by the full implementation: PS3.18 Annex F JSON.</summary>
public static class DicomJsonWriter
{
    public static string Write(DicomDataset dataset, bool indented = false) => throw new NotImplementedException();
}
