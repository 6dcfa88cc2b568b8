namespace Telerad.Ingestion;

/// <summary>The identifying facts of one accepted instance (PHI: stays inside ingestion, never logged).</summary>
public sealed record InspectedInstance(
    string SopClassUid,
    string SopInstanceUid,
    string StudyInstanceUid,
    string SeriesInstanceUid,
    string TransferSyntaxUid,
    string? Modality);

/// <summary>
/// Reads only the header of an object (stops before pixel data, which is checked for completeness without
/// being read) and says whether it is an acceptable DICOM instance.
/// </summary>
public static class InstanceInspector
{
    public static (InspectedInstance? Instance, Rejection? Rejection) Inspect(Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        DicomFile file;
        try
        {
            file = DicomFile.Read(content, new DicomReaderOptions { StopBeforePixelData = true }, leaveOpen: true);
        }
        catch (DicomFormatException ex)
        {
            var notDicom = ex.Reason.StartsWith("Not DICOM", StringComparison.Ordinal);
            return (null, new Rejection(notDicom ? RejectionCodes.NotDicom : RejectionCodes.Malformed, ex.Message));
        }

        using (file)
        {
            if (file.HadNoFileMeta && file.Dataset.Count == 0)
            {
                return (null, new Rejection(RejectionCodes.NotDicom, "The object holds no DICOM data set."));
            }

            if (file.PixelDataComplete == false)
            {
                return (null, new Rejection(RejectionCodes.Malformed, "The pixel data runs past the end of the object (truncated upload?)."));
            }

            if (file.LengthsOverranInput)
            {
                return (null, new Rejection(RejectionCodes.Malformed, "A sequence or item is longer than the object (truncated upload?)."));
            }

            var ds = file.Dataset;
            var missing = new List<string>();
            string Required(DicomTag tag)
            {
                var value = ds.GetString(tag);
                if (string.IsNullOrEmpty(value))
                {
                    missing.Add(DicomDictionary.KeywordOf(tag));
                }

                return value ?? string.Empty;
            }

            var instance = new InspectedInstance(
                Required(DicomTags.SOPClassUID),
                Required(DicomTags.SOPInstanceUID),
                Required(DicomTags.StudyInstanceUID),
                Required(DicomTags.SeriesInstanceUID),
                file.TransferSyntax.Uid,
                ds.GetString(DicomTags.Modality));
            Required(DicomTags.PatientID);
            if (file.HadNoFileMeta)
            {
                missing.Add("TransferSyntaxUID (no File Meta Information)");
            }

            return missing.Count > 0
                ? (null, new Rejection(RejectionCodes.MissingAttribute, "Required attributes are missing or empty: " + string.Join(", ", missing) + "."))
                : (instance, null);
        }
    }
}
