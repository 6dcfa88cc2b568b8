using System.Globalization;

namespace Telerad.Samples.Dicom;

/// <summary>How sample instances are named and written: Part 10 files in Explicit VR Little Endian.</summary>
internal static class SampleFiles
{
    /// <summary>E.g. CT0001.dcm: the modality and the Instance Number, so a listing sorts by slice.</summary>
    public static string Name(string modality, int instanceNumber) =>
        modality + instanceNumber.ToString("D4", CultureInfo.InvariantCulture) + ".dcm";

    public static void Write(string path, DicomDataset dataset) =>
        DicomWriter.WriteFile(path, dataset, DicomTransferSyntax.ExplicitVRLittleEndian);
}
