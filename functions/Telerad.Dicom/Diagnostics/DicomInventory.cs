namespace Telerad.Dicom;

/// <summary>What one file under a folder turned out to be.</summary>
public sealed record DicomInventoryFile(
    string Path,
    long Size,
    string? StudyInstanceUid,
    string? SeriesInstanceUid,
    string? SopInstanceUid,
    string? SopClassUid,
    string? Modality,
    string? TransferSyntaxUid,
    string? Error);

/// <summary>A series: its instances and what they share.</summary>
public sealed record DicomInventorySeries(
    string SeriesInstanceUid,
    string? SeriesNumber,
    string? Modality,
    string? SeriesDescription,
    IReadOnlyList<DicomInventoryFile> Instances)
{
    public long TotalSize => Instances.Sum(i => i.Size);

    public IReadOnlyList<string> TransferSyntaxUids => [.. Instances.Select(i => i.TransferSyntaxUid ?? "?").Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Instances with the same SOP Instance UID appear more than once (duplicates or versions).</summary>
    public int DuplicateInstances => Instances.Count - Instances.Select(i => i.SopInstanceUid).Distinct().Count();
}

/// <summary>A study and its series.</summary>
public sealed record DicomInventoryStudy(string StudyInstanceUid, string? StudyDate, IReadOnlyList<DicomInventorySeries> Series)
{
    public int InstanceCount => Series.Sum(s => s.Instances.Count);

    public long TotalSize => Series.Sum(s => s.TotalSize);
}

/// <summary>The result of scanning a folder tree: studies found, and files that are not readable DICOM.</summary>
public sealed record DicomInventory(IReadOnlyList<DicomInventoryStudy> Studies, IReadOnlyList<DicomInventoryFile> Failures, int FilesScanned);

/// <summary>
/// Scans a folder (or one file) reading only headers (stops before pixel data), and groups what it finds by
/// study and series. Files that are not DICOM or are malformed are listed with the reason; nothing is skipped silently.
/// </summary>
public static class DicomInventoryScanner
{
    public static DicomInventory Scan(string path, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var files = File.Exists(path)
            ? [path]
            : Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
                : throw new FileNotFoundException($"No file or folder at {path}.");

        var results = new DicomInventoryFile[files.Count];
        var done = 0;
        Parallel.For(0, files.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            results[i] = Inspect(files[i]);
            var count = Interlocked.Increment(ref done);
            progress?.Report((count, files.Count));
        });

        var failures = results.Where(r => r.Error is not null).ToList();
        var studies = results
            .Where(r => r.Error is null)
            .GroupBy(r => r.StudyInstanceUid ?? "(no Study Instance UID)", StringComparer.Ordinal)
            .Select(study => new DicomInventoryStudy(
                study.Key,
                null,
                [.. study.GroupBy(r => r.SeriesInstanceUid ?? "(no Series Instance UID)", StringComparer.Ordinal)
                    .Select(series => new DicomInventorySeries(series.Key, null, series.First().Modality, null, [.. series]))
                    .OrderBy(s => s.SeriesInstanceUid, StringComparer.Ordinal)]))
            .OrderBy(s => s.StudyInstanceUid, StringComparer.Ordinal)
            .ToList();
        return new DicomInventory(Enrich(studies), failures, files.Count);
    }

    /// <summary>Reads one header; never throws for bad input, it reports it.</summary>
    public static DicomInventoryFile Inspect(string path)
    {
        long size = 0;
        try
        {
            size = new FileInfo(path).Length;
            using var file = DicomFile.Open(path, new DicomReaderOptions { StopBeforePixelData = true });
            var ds = file.Dataset;
            var sopInstance = ds.GetUid(DicomTags.SOPInstanceUID);
            var error = file.HadNoFileMeta && ds.Count == 0 ? "Not DICOM: no elements"
                : file.PixelDataComplete == false ? "Truncated: the pixel data runs past the end of the file"
                : file.LengthsOverranInput ? "Possibly truncated: a sequence or item is longer than the file"
                : null;
            return new DicomInventoryFile(path, size, ds.GetUid(DicomTags.StudyInstanceUID), ds.GetUid(DicomTags.SeriesInstanceUID),
                sopInstance, ds.GetUid(DicomTags.SOPClassUID), ds.GetString(DicomTags.Modality), file.TransferSyntax.Uid, error);
        }
        catch (DicomFormatException ex)
        {
            return new DicomInventoryFile(path, size, null, null, null, null, null, null, ex.Message);
        }
        catch (IOException ex)
        {
            return new DicomInventoryFile(path, size, null, null, null, null, null, null, "Cannot read: " + ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            return new DicomInventoryFile(path, size, null, null, null, null, null, null, "Cannot read: " + ex.Message);
        }
    }

    /// <summary>Study date, series number and description come from one header of each group (read again, headers only).</summary>
    private static List<DicomInventoryStudy> Enrich(List<DicomInventoryStudy> studies)
    {
        var enriched = new List<DicomInventoryStudy>(studies.Count);
        foreach (var study in studies)
        {
            string? studyDate = null;
            var series = new List<DicomInventorySeries>();
            foreach (var s in study.Series)
            {
                using var file = DicomFile.Open(s.Instances[0].Path, new DicomReaderOptions { StopBeforePixelData = true });
                studyDate ??= file.Dataset.GetString(DicomTags.StudyDate);
                series.Add(s with
                {
                    SeriesNumber = file.Dataset.GetString(DicomTags.SeriesNumber),
                    SeriesDescription = file.Dataset.GetString(DicomTags.SeriesDescription),
                });
            }

            enriched.Add(study with { StudyDate = studyDate, Series = series });
        }

        return enriched;
    }
}
