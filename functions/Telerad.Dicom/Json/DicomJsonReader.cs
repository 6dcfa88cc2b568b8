namespace Telerad.Dicom;

/// <summary>
/// Reads the DICOM JSON model (PS3.18 Annex F.2) into <see cref="DicomDataset"/>s with
/// <see cref="System.Text.Json.Utf8JsonReader"/>: no reflection, trimming-safe. Text is encoded in each
/// data set's Specific Character Set; InlineBinary becomes the value's bytes (encapsulated pixel data
/// becomes a <see cref="DicomFragmentSequence"/>); BulkDataURI is kept or refused per the options.
/// Malformed input raises <see cref="DicomFormatException"/> with the byte offset and tag path, never a value.
/// </summary>
public static class DicomJsonReader
{
    /// <summary>Reads one data set (a JSON object).</summary>
    public static DicomDataset Read(string json, DicomJsonReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read(System.Text.Encoding.UTF8.GetBytes(json), options);
    }

    public static DicomDataset Read(ReadOnlySpan<byte> utf8Json, DicomJsonReaderOptions? options = null) =>
        DicomJsonModelReader.Read(utf8Json, options ?? DicomJsonReaderOptions.Default, allowArray: false)[0];

    /// <summary>Reads a whole stream of UTF-8 JSON (a JSON token must be in memory whole to be parsed, so the input is too).</summary>
    public static DicomDataset Read(Stream utf8Json, DicomJsonReaderOptions? options = null) =>
        Read(ReadAllBytes(utf8Json), options);

    /// <summary>Reads a JSON array of data sets (F.2.1 multiple results), or a single object as a list of one.</summary>
    public static IReadOnlyList<DicomDataset> ReadAll(string json, DicomJsonReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return ReadAll(System.Text.Encoding.UTF8.GetBytes(json), options);
    }

    public static IReadOnlyList<DicomDataset> ReadAll(ReadOnlySpan<byte> utf8Json, DicomJsonReaderOptions? options = null) =>
        DicomJsonModelReader.Read(utf8Json, options ?? DicomJsonReaderOptions.Default, allowArray: true);

    public static IReadOnlyList<DicomDataset> ReadAll(Stream utf8Json, DicomJsonReaderOptions? options = null) =>
        ReadAll(ReadAllBytes(utf8Json), options);

    private static byte[] ReadAllBytes(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var memory = stream.CanSeek ? new MemoryStream(checked((int)Math.Max(0, stream.Length - stream.Position))) : new MemoryStream();
        stream.CopyTo(memory);
        return memory.Length == memory.Capacity ? memory.GetBuffer() : memory.ToArray();
    }
}
