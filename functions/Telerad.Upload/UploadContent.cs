using System.IO.Compression;
using Telerad.Dicom;
using Telerad.Storage;

namespace Telerad.Upload;

/// <summary>A SOP instance found in an uploaded file (or in a zip entry).</summary>
internal readonly record struct FoundInstance(string StudyInstanceUid, string SopInstanceUid);

/// <summary>What a local file is, read from its content (headers only): its manifest kind and the instances in it.</summary>
internal sealed record InspectedContent(string Kind, IReadOnlyList<FoundInstance> Instances);

/// <summary>
/// Classifies a file for the manifest: a zip archive (by its local-file or empty-archive signature; every entry's
/// DICOM header is read), a DICOM file with Study and SOP Instance UIDs (header read up to the pixel data,
/// <see cref="DicomReaderOptions.StopBeforePixelData"/>), or other. Never throws for bad content: a file it cannot
/// read is "other", and ingestion gives the reason.
/// </summary>
internal static class UploadContent
{
    private static readonly DicomReaderOptions HeaderOnly = new() { StopBeforePixelData = true };

    public static InspectedContent Inspect(string path)
    {
        if (IsZip(path))
        {
            return new InspectedContent(UploadObjectKinds.Zip, ZipInstances(path));
        }

        return ReadInstance(() => DicomFile.Open(path, HeaderOnly)) is { } instance
            ? new InspectedContent(UploadObjectKinds.Dicom, [instance])
            : new InspectedContent(UploadObjectKinds.Other, []);
    }

    private static bool IsZip(string path)
    {
        Span<byte> signature = stackalloc byte[4];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        // "PK\x03\x04" starts an archive with entries, "PK\x05\x06" an empty one (APPNOTE.TXT 4.3.7, 4.3.16).
        return stream.ReadAtLeast(signature, 4, throwOnEndOfStream: false) == 4
            && signature[0] == 'P' && signature[1] == 'K'
            && ((signature[2] == 3 && signature[3] == 4) || (signature[2] == 5 && signature[3] == 6));
    }

    private static List<FoundInstance> ZipInstances(string path)
    {
        var instances = new List<FoundInstance>();
        try
        {
            using var archive = ZipFile.OpenRead(path);
            foreach (var entry in archive.Entries)
            {
                if (entry.FullName.EndsWith('/'))
                {
                    continue; // a folder
                }

                if (ReadInstance(() => DicomFile.Read(entry.Open(), HeaderOnly)) is { } instance)
                {
                    instances.Add(instance);
                }
            }
        }
        catch (InvalidDataException)
        {
            // A broken archive: it is still uploaded (as kind zip); ingestion refuses it with a reason.
        }

        return instances;
    }

    private static FoundInstance? ReadInstance(Func<DicomFile> open)
    {
        try
        {
            using var file = open();
            var study = file.Dataset.GetUid(DicomTags.StudyInstanceUID);
            var sop = file.Dataset.GetUid(DicomTags.SOPInstanceUID);
            return string.IsNullOrEmpty(study) || string.IsNullOrEmpty(sop) ? null : new FoundInstance(study, sop);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Classifying is advisory: whatever the reader makes of a strange file, the file is still uploaded (as
            // "other") and ingestion gives the reason. One odd file must not stop an upload.
            return null;
        }
    }
}
