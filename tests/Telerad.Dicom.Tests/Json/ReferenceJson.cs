using System.Text;
using System.Text.Json;

namespace Telerad.Dicom.Tests.Json;

/// <summary>Which independent tool produced a reference JSON model, which decides the known differences allowed.</summary>
public enum ReferenceSource
{
    /// <summary>dcmtk's dcm2json on the file itself.</summary>
    Dcm2json,

    /// <summary>
    /// dcm2json on a copy without Pixel Data, made with dcmtk's dcmodify: dcm2json 3.6.7 refuses
    /// ("JSON InlineBinary encoding not supported for compressed pixel data") to write encapsulated pixel data.
    /// </summary>
    Dcm2jsonWithoutPixelData,

    /// <summary>pydicom's Dataset.to_json_dict, where dcm2json has no usable output (see <see cref="Reference.Why"/>).</summary>
    Pydicom,
}

public sealed record Reference(ReferenceSource Source, JsonElement Root, string Why);

/// <summary>Runs the reference tools: dcm2json (and dcmodify) per file, pydicom once for all files.</summary>
public static class ReferenceJson
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly Lazy<IReadOnlyDictionary<string, JsonElement>> PydicomModels = new(LoadPydicomModels);

    /// <summary>Readable pydicom test files: everything but the files broken on purpose.</summary>
    public static IEnumerable<string> ReadableFiles() =>
        TestData.PydicomFiles().Where(f => !TestData.DeliberatelyBroken.Contains(Path.GetFileName(f)));

    public static TheoryData<string> ReadableFileNames()
    {
        var data = new TheoryData<string>();
        foreach (var file in ReadableFiles())
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    public static string PathOf(string fileName) =>
        ReadableFiles().Single(f => Path.GetFileName(f) == fileName);

    public static Reference For(string file)
    {
        var scratch = TestData.NewScratchDirectory("json-reference");
        try
        {
            var (json, error) = Dcm2json(file, scratch);
            if (json is { } direct)
            {
                return new Reference(ReferenceSource.Dcm2json, direct, string.Empty);
            }

            if (error.Contains("compressed pixel data", StringComparison.Ordinal))
            {
                var copy = Path.Combine(scratch, "without-pixel-data.dcm");
                File.Copy(file, copy);
                var modify = ExternalTool.Run(ExternalTool.Require("dcmodify"), ["-nb", "-ea", "(7fe0,0010)", copy]);
                if (modify.ExitCode == 0 && Dcm2json(copy, scratch).Json is { } stripped)
                {
                    return new Reference(ReferenceSource.Dcm2jsonWithoutPixelData, stripped, error);
                }
            }

            return new Reference(ReferenceSource.Pydicom, Pydicom(file), error);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>pydicom's model of a file (an object with "error" if pydicom could not read it).</summary>
    public static JsonElement Pydicom(string file) => PydicomModels.Value[file];

    /// <summary>
    /// dcm2json's output, or null and why not: a failed run, or output that is not UTF-8 JSON (dcm2json
    /// 3.6.7 writes the raw bytes of a sequence item's own character set, e.g. chrSQEncoding.dcm).
    /// </summary>
    private static (JsonElement? Json, string Error) Dcm2json(string file, string scratch)
    {
        var output = Path.Combine(scratch, Path.GetFileNameWithoutExtension(file) + "." + Guid.NewGuid().ToString("N")[..6] + ".json");
        var run = ExternalTool.Run(ExternalTool.Require("dcm2json"), [file, output]);
        if (run.ExitCode != 0 || !File.Exists(output))
        {
            return (null, $"dcm2json exit {run.ExitCode}: {FirstLine(run.StandardError)}");
        }

        try
        {
            var text = StrictUtf8.GetString(File.ReadAllBytes(output));
            return (JsonDocument.Parse(text).RootElement.Clone(), string.Empty);
        }
        catch (DecoderFallbackException)
        {
            return (null, "dcm2json wrote bytes that are not UTF-8");
        }
    }

    private static string FirstLine(string text) =>
        text.Split('\n').FirstOrDefault(l => l.StartsWith("F:", StringComparison.Ordinal) || l.StartsWith("E:", StringComparison.Ordinal))?.Trim()
        ?? text.Split('\n')[0].Trim();

    private static IReadOnlyDictionary<string, JsonElement> LoadPydicomModels()
    {
        var script = Path.Combine(TestData.RepositoryRoot, "tests", "Telerad.Dicom.Tests", "Json", "pydicom_json.py");
        var files = ReadableFiles().ToList();
        var run = ExternalTool.Run("/usr/bin/python3", [script, .. files], TimeSpan.FromMinutes(5), Encoding.UTF8);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"pydicom_json.py failed (is python3-pydicom installed? run tools/test.sh): {run.StandardError}");
        }

        using var document = JsonDocument.Parse(run.StandardOutput);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }
}
