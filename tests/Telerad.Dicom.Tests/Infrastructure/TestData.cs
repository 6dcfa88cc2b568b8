namespace Telerad.Dicom.Tests;

/// <summary>Where the test inputs live: pydicom's real-world files and the generated synthetic CT study.</summary>
public static class TestData
{
    public const string PydicomRoot = "/usr/lib/python3/dist-packages/pydicom/data";

    public static string PydicomTestFiles => Path.Combine(PydicomRoot, "test_files");

    public static string PydicomCharsetFiles => Path.Combine(PydicomRoot, "charset_files");

    /// <summary>Every .dcm of pydicom's test_files and charset_files (installed by tools/test.sh).</summary>
    public static IEnumerable<string> PydicomFiles()
    {
        if (!Directory.Exists(PydicomTestFiles))
        {
            throw new InvalidOperationException($"pydicom's test files are missing at {PydicomTestFiles}: run tools/test.sh (apt-get install python3-pydicom).");
        }

        return Directory.EnumerateFiles(PydicomTestFiles, "*.dcm")
            .Concat(Directory.EnumerateFiles(PydicomCharsetFiles, "*.dcm"))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>
    /// pydicom's DICOMDIR test tree (media directories in all encodings, and the images they index), which
    /// has no .dcm extensions: every DICOMDIR variant and every fourth image.
    /// </summary>
    public static IEnumerable<string> PydicomDicomdirFiles()
    {
        var root = Path.Combine(PydicomTestFiles, "dicomdirtests");
        var all = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        return all.Where(f => Path.GetFileName(f).StartsWith("DICOMDIR", StringComparison.Ordinal))
            .Concat(all.Where(f => !Path.GetFileName(f).StartsWith("DICOMDIR", StringComparison.Ordinal)).Where((_, i) => i % 4 == 0));
    }

    /// <summary>Files that are broken on purpose: they must fail with <see cref="DicomFormatException"/>.</summary>
    public static readonly IReadOnlySet<string> DeliberatelyBroken = new HashSet<string>(StringComparer.Ordinal)
    {
        "MR_truncated.dcm",      // pixel data cut short
        "rtplan_truncated.dcm",  // a sequence cut short
        "no_meta.dcm",           // a stray leading byte: no reading of it makes sense (dcmtk fails too)
    };

    /// <summary>Root of generated test data (tools/test.sh sets TELERAD_TESTDATA).</summary>
    public static string GeneratedRoot =>
        Environment.GetEnvironmentVariable("TELERAD_TESTDATA") is { Length: > 0 } dir ? dir : Path.Combine(RepositoryRoot, ".work", "testdata");

    /// <summary>The synthetic CT study (12 slices of 64x64) in each syntax folder: ele eli ebe dfl jpll rle jls j2k.</summary>
    public static string CtStudy(string syntax)
    {
        var dir = Path.Combine(GeneratedRoot, "ct-small", syntax);
        if (!Directory.Exists(dir))
        {
            throw new InvalidOperationException($"The synthetic CT study is missing at {dir}: run tools/test.sh.");
        }

        return dir;
    }

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TeleradFunctions.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A fresh, empty scratch folder under the generated root, deleted by the caller if wanted.</summary>
    public static string NewScratchDirectory(string purpose)
    {
        var dir = Path.Combine(GeneratedRoot, "scratch", purpose + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
