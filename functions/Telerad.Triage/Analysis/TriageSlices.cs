namespace Telerad.Triage;

/// <summary>
/// One instance to triage: a name for messages and a way to open it (a file, a blob), and optionally a cheaper way to
/// open it for its header only (a blob read in small ranges), which the engine reads first for every instance.
/// </summary>
public sealed record TriageSource(string Name, Func<CancellationToken, Task<Stream>> OpenAsync, Func<CancellationToken, Task<Stream>>? OpenHeaderAsync = null)
{
    /// <summary>Set for a local file: the engine then reads it by offset (positional reads, no stream buffering), about
    /// three times cheaper per header than through a <see cref="FileStream"/>.</summary>
    public string? FilePath { get; init; }

    public static TriageSource FromFile(string path) => new(Path.GetFileName(path), _ => Task.FromResult<Stream>(File.OpenRead(path))) { FilePath = path };

    /// <summary>Reads the instance (header only, or with its pixel data left in the source to be read frame by frame).</summary>
    internal async Task<DicomFile> ReadAsync(bool headerOnly, CancellationToken cancellationToken)
    {
        var options = headerOnly ? HeaderOnly : DicomReaderOptions.Default;
        if (FilePath is not null)
        {
            return DicomFile.Open(FilePath, options);
        }

        var stream = await ((headerOnly ? OpenHeaderAsync : null) ?? OpenAsync)(cancellationToken);
        return DicomFile.Read(stream, options); // owns the stream (disposed with the file, or if reading fails)
    }

    private static readonly DicomReaderOptions HeaderOnly = new() { StopBeforePixelData = true };
}

/// <summary>What triage needs from an instance's header (read without its pixel data).</summary>
internal sealed record SliceHeader(
    TriageSource Source,
    string SeriesKey,
    string? Modality,
    string? BodyPart,
    string? SopClass,
    int? InstanceNumber,
    double[] Position,
    double[] Orientation,
    int Frames)
{
    public static async Task<SliceHeader> ReadAsync(TriageSource source, CancellationToken cancellationToken)
    {
        using var file = await source.ReadAsync(headerOnly: true, cancellationToken);
        var d = file.Dataset;
        return new SliceHeader(
            source,
            d.GetUid(DicomTags.SeriesInstanceUID) ?? "(no series)",
            d.GetString(DicomTags.Modality),
            d.GetString(DicomTags.BodyPartExamined),
            d.GetUid(DicomTags.SOPClassUID),
            d.GetInt32(DicomTags.InstanceNumber),
            d.GetDoubles(DicomTags.ImagePositionPatient),
            d.GetDoubles(DicomTags.ImageOrientationPatient),
            Math.Max(1, d.GetInt32(DicomTags.NumberOfFrames) ?? 1));
    }
}

/// <summary>Puts a series' instances in anatomical order: along the slice normal, else by Instance Number, else by name.</summary>
internal static class SliceOrder
{
    public static List<SliceHeader> Sort(IEnumerable<SliceHeader> slices)
    {
        var list = slices.ToList();
        var first = list.FirstOrDefault(s => s.Orientation.Length == 6 && s.Position.Length == 3);
        if (first is not null && list.All(s => s.Position.Length == 3))
        {
            var o = first.Orientation;
            var normal = new[] { (o[1] * o[5]) - (o[2] * o[4]), (o[2] * o[3]) - (o[0] * o[5]), (o[0] * o[4]) - (o[1] * o[3]) };
            return [.. list.OrderBy(s => (s.Position[0] * normal[0]) + (s.Position[1] * normal[1]) + (s.Position[2] * normal[2]))
                .ThenBy(s => s.InstanceNumber ?? 0).ThenBy(s => s.Source.Name, StringComparer.Ordinal)];
        }

        return [.. list.OrderBy(s => s.InstanceNumber ?? int.MaxValue).ThenBy(s => s.Source.Name, StringComparer.Ordinal)];
    }
}
