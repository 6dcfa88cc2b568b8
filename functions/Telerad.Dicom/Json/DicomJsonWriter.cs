using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Telerad.Dicom;

/// <summary>
/// Writes the DICOM JSON model (PS3.18 Annex F.2) with <see cref="Utf8JsonWriter"/>: no reflection, so
/// it is trimming-safe, and binary values are streamed as base64 so a 2 GB pixel value is never buffered.
/// The output is UTF-8; Specific Character Set (0008,0005) is kept as the source's (F.2.2 note 3).
/// </summary>
public static class DicomJsonWriter
{
    /// <summary>The data set as a JSON string.</summary>
    public static string Write(DicomDataset dataset, bool indented = false) =>
        Write(dataset, DicomJsonWriterOptions.Default with { Indented = indented });

    public static string Write(DicomDataset dataset, DicomJsonWriterOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(dataset, buffer, options);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes UTF-8 JSON to <paramref name="utf8Output"/>, flushing as it goes (the stream is left open).</summary>
    public static void Write(DicomDataset dataset, Stream utf8Output, DicomJsonWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(utf8Output);
        options ??= DicomJsonWriterOptions.Default;
        using var json = new Utf8JsonWriter(utf8Output, JsonOptions(options));
        Write(dataset, json, options);
    }

    /// <summary>Writes UTF-8 JSON to <paramref name="output"/>, committing it as it goes.</summary>
    public static void Write(DicomDataset dataset, IBufferWriter<byte> output, DicomJsonWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        options ??= DicomJsonWriterOptions.Default;
        using var json = new Utf8JsonWriter(output, JsonOptions(options));
        Write(dataset, json, options);
    }

    /// <summary>
    /// Writes the data set as one JSON object value to a caller's writer (e.g. inside a larger document).
    /// The writer's own options decide indentation; <see cref="DicomJsonWriterOptions.Indented"/> is not used.
    /// </summary>
    public static void Write(DicomDataset dataset, Utf8JsonWriter writer, DicomJsonWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(writer);
        new DicomJsonModelWriter(writer, options ?? DicomJsonWriterOptions.Default).WriteDataset(dataset);
        writer.Flush();
    }

    /// <summary>Several data sets as one JSON array (F.2.1, "multiple results"), e.g. a study's instances.</summary>
    public static void WriteAll(IEnumerable<DicomDataset> datasets, Stream utf8Output, DicomJsonWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        ArgumentNullException.ThrowIfNull(utf8Output);
        options ??= DicomJsonWriterOptions.Default;
        using var json = new Utf8JsonWriter(utf8Output, JsonOptions(options));
        var model = new DicomJsonModelWriter(json, options);
        json.WriteStartArray();
        foreach (var dataset in datasets)
        {
            ArgumentNullException.ThrowIfNull(dataset, nameof(datasets));
            model.WriteDataset(dataset);
        }

        json.WriteEndArray();
        json.Flush();
    }

    /// <summary>
    /// The relaxed encoder writes non-ASCII text as UTF-8 instead of \u escapes: the JSON model's text is
    /// Unicode (F.2, UTF-8), and this output is not embedded in HTML, the only case the strict encoder guards.
    /// </summary>
    private static JsonWriterOptions JsonOptions(DicomJsonWriterOptions options) => new()
    {
        Indented = options.Indented,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
