using System.Text;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// The planted-PHI corpus: real files (pydicom's test files: CT, MR, RT, SR, ECG, private and UN sequences,
/// Latin-1, ISO 2022 and UTF-8 character sets) and synthetic data sets, each with the same synthetic patient
/// planted everywhere <see cref="PlantCategory"/> lists. Generated at test time, deterministically (same bytes
/// on every run and machine); nothing binary is committed.
/// </summary>
public static class PhiCorpus
{
    private static readonly Lazy<IReadOnlyList<PhiCorpusFile>> Shared = new(Generate);

    private sealed record Case(string Name, string? PydicomFile, PlantCharset Charset, bool ExplicitVR, Action<PlantFile>? Extra = null, string? Modality = null);

    private static readonly Case[] Cases =
    [
        new("ct-small.dcm", "test_files/CT_small.dcm", PlantCharset.Ascii, true),
        new("mr-small-implicit.dcm", "test_files/MR_small.dcm", PlantCharset.Ascii, false),
        new("rtplan.dcm", "test_files/rtplan.dcm", PlantCharset.Ascii, true),
        new("rtstruct.dcm", "test_files/rtstruct.dcm", PlantCharset.Ascii, true),
        new("test-sr.dcm", "test_files/test-SR.dcm", PlantCharset.Ascii, true),
        new("reportsi.dcm", "test_files/reportsi.dcm", PlantCharset.Ascii, true),
        new("nested-priv-sq.dcm", "test_files/nested_priv_SQ.dcm", PlantCharset.Ascii, true),
        new("un-sequence.dcm", "test_files/UN_sequence.dcm", PlantCharset.Ascii, true),
        new("waveform-ecg.dcm", "test_files/waveform_ecg.dcm", PlantCharset.Ascii, true),
        new("chr-fren-latin1.dcm", "charset_files/chrFren.dcm", PlantCharset.Latin1, true),
        new("chr-h31-iso2022.dcm", "charset_files/chrH31.dcm", PlantCharset.Iso2022Japanese, true),
        new("chr-x1-utf8.dcm", "charset_files/chrX1.dcm", PlantCharset.Utf8, true),
        new("synthetic-utf8-sc.dcm", null, PlantCharset.Utf8, true, Modality: "OT"),
        new("synthetic-latin1-ct.dcm", null, PlantCharset.Latin1, true, Modality: "CT"),
        new("synthetic-iso2022-mr-implicit.dcm", null, PlantCharset.Iso2022Japanese, false, Modality: "MR"),
        new("synthetic-un.dcm", null, PlantCharset.Ascii, true, UnknownVRPlanter.Plant, Modality: "CT"),
    ];

    /// <summary>The corpus, generated once per test run.</summary>
    public static IReadOnlyList<PhiCorpusFile> Files => Shared.Value;

    public static IEnumerable<string> Names => Cases.Select(c => c.Name);

    public static PhiCorpusFile Get(string name) => Files.Single(f => f.Name == name);

    /// <summary>Generates every file afresh.</summary>
    public static IReadOnlyList<PhiCorpusFile> Generate() => [.. Cases.Select(Generate)];

    /// <summary>Writes the corpus and a manifest (TSV) to <paramref name="directory"/>, for looking at with other tools.</summary>
    public static void WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        var manifest = new StringBuilder("file\tpath\tidentifier\tencoding\tcategory\twhat\n");
        foreach (var file in Files)
        {
            File.WriteAllBytes(Path.Combine(directory, file.Name), file.Bytes);
            foreach (var e in file.Entries)
            {
                manifest.Append(CultureInvariant($"{e.File}\t{e.Path}\t{e.Identifier.Id}\t{e.Encoding}\t{e.Category}\t{e.What}\n"));
            }
        }

        File.WriteAllText(Path.Combine(directory, "manifest.tsv"), manifest.ToString(), new UTF8Encoding(false));
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);

    private static PhiCorpusFile Generate(Case c)
    {
        DicomFile? source = null;
        try
        {
            DicomDataset dataset;
            string origin;
            if (c.PydicomFile is { } relative)
            {
                var path = Path.Combine(Telerad.Dicom.Tests.TestData.PydicomRoot, relative);
                if (!File.Exists(path))
                {
                    throw new InvalidOperationException($"{path} is missing: run tools/test.sh (apt-get install python3-pydicom).");
                }

                source = DicomFile.Read(File.ReadAllBytes(path));
                dataset = source.Dataset;
                origin = "pydicom " + relative;
            }
            else
            {
                dataset = SyntheticImage(c.Charset, c.Modality ?? "OT");
                origin = "synthetic";
            }

            var file = new PlantFile(c.Name, origin, dataset, c.Charset, c.ExplicitVR);
            ExistingElementPlanter.Plant(file);
            PatientPlanter.Plant(file);
            StudyPlanter.Plant(file);
            NestedPlanter.Plant(file);
            PrivatePlanter.Plant(file);
            GraphicsPlanter.Plant(file);
            HistoryPlanter.Plant(file);
            c.Extra?.Invoke(file);
            SurvivorPlanter.Plant(file);
            var bytes = PhiCorpusWriter.Write(file);
            return new PhiCorpusFile(c.Name, origin, file.PrimaryName.Value, bytes, [.. file.Entries], [.. file.MustSurvive]);
        }
        finally
        {
            source?.Dispose();
        }
    }

    /// <summary>A small image (16 x 16, 12 bits in 16) with a deterministic pixel pattern and the given repertoire.</summary>
    private static DicomDataset SyntheticImage(PlantCharset charset, string modality)
    {
        var dataset = new DicomDataset();
        var terms = charset switch
        {
            PlantCharset.Latin1 => "ISO_IR 100",
            PlantCharset.Utf8 => "ISO_IR 192",
            PlantCharset.Iso2022Japanese => "\\ISO 2022 IR 87",
            _ => null,
        };
        if (terms is not null)
        {
            dataset.Set(new DicomElement(DicomTags.SpecificCharacterSet, DicomVR.CS, PlantSite.Pad(Encoding.ASCII.GetBytes(terms), DicomVR.CS)));
        }

        var sopClass = modality switch
        {
            "CT" => "1.2.840.10008.5.1.4.1.1.2",
            "MR" => "1.2.840.10008.5.1.4.1.1.4",
            _ => "1.2.840.10008.5.1.4.1.1.7",
        };
        Set(dataset, DicomTags.SOPClassUID, DicomVR.UI, sopClass);
        Set(dataset, DicomTags.Modality, DicomVR.CS, modality);
        Set(dataset, DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2");
        dataset.SetValues(DicomTags.SamplesPerPixel, DicomVR.US, new ushort[] { 1 });
        dataset.SetValues(DicomTags.Rows, DicomVR.US, new ushort[] { 16 });
        dataset.SetValues(DicomTags.Columns, DicomVR.US, new ushort[] { 16 });
        dataset.SetValues(DicomTags.BitsAllocated, DicomVR.US, new ushort[] { 16 });
        dataset.SetValues(DicomTags.BitsStored, DicomVR.US, new ushort[] { 12 });
        dataset.SetValues(DicomTags.HighBit, DicomVR.US, new ushort[] { 11 });
        dataset.SetValues(DicomTags.PixelRepresentation, DicomVR.US, new ushort[] { 0 });
        var pixels = new ushort[16 * 16];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (ushort)((i * 37) % 4096);
        }

        dataset.SetValues(DicomTags.PixelData, DicomVR.OW, pixels);
        return dataset;
    }

    private static void Set(DicomDataset dataset, DicomTag tag, DicomVR vr, string text) =>
        dataset.Set(new DicomElement(tag, vr, PlantSite.Pad(Encoding.ASCII.GetBytes(text), vr)));
}
