using Telerad.Samples.Dicom;
using Telerad.Samples.Phantoms;

namespace Telerad.Samples.Studies;

/// <summary>
/// A PA chest radiograph (Computed Radiography Image IOD, PS3.3 A.2; CR Series C.8.1.1 and CR Image C.8.1.2):
/// one 12-bit MONOCHROME2 image of the chest phantom with a little noise.
/// </summary>
internal static class ChestCrStudy
{
    public const string Folder = "chest-cr";
    public const string ComputedRadiographyImageStorage = "1.2.840.10008.5.1.4.1.1.1";

    private const double NoiseSd = 14;

    public static SampleStudyDescriptor Write(string directory, long seed, SampleDimensions dimensions)
    {
        var (rows, columns) = (dimensions.CrRows, dimensions.CrColumns);
        var rowSpacing = ChestRadiograph.HeightMm / rows;
        var columnSpacing = ChestRadiograph.WidthMm / columns;
        var identity = SampleIdentity.Create(seed, Folder, "CR", "Cleo", "F", 58, "CR", "CHEST", ComputedRadiographyImageStorage, "XR CHEST PA (SAMPLE)", "CHEST PA");
        var dataset = SampleDatasets.CreateInstance(identity, instanceNumber: 1);
        dataset.SetStrings(DicomTags.ImageType, ["ORIGINAL", "PRIMARY"]);
        dataset.SetString(DicomTags.ViewPosition, "PA");
        // As displayed: rows run towards the patient's left, columns towards the feet.
        dataset.SetStrings(DicomTags.PatientOrientation, ["L", "F"]);
        dataset.SetString(DicomTags.KVP, "120");
        dataset.SetString(DicomTags.DistanceSourceToDetector, "1800");
        dataset.SetInteger(DicomTags.ExposureTime, 8);
        dataset.SetInteger(DicomTags.XRayTubeCurrent, 320);
        dataset.SetDoubles(DicomTags.ImagerPixelSpacing, [rowSpacing, columnSpacing]);
        SampleDatasets.SetImagePixel(dataset, rows, columns, bitsStored: 12, signed: false, "MONOCHROME2");
        SampleDatasets.SetWindows(dataset, (1300, 2600, "CHEST"));
        dataset.SetValues(DicomTags.PixelData, DicomVR.OW, Render(rows, columns, rowSpacing, columnSpacing, ChestRadiograph.Create(seed), seed));
        var file = SampleFiles.Name("CR", 1);
        SampleFiles.Write(Path.Combine(directory, file), dataset);

        return new SampleStudyDescriptor
        {
            Folder = Folder,
            Description = "PA chest radiograph (computed radiography), synthetic phantom: no abnormality.",
            Modality = identity.Modality,
            SopClassUid = identity.SopClassUid,
            BodyPartExamined = identity.BodyPartExamined,
            ExpectedFinding = "none",
            Critical = false,
            Seed = seed,
            PatientName = identity.PatientName,
            PatientId = identity.PatientId,
            AccessionNumber = identity.AccessionNumber,
            StudyInstanceUid = identity.StudyInstanceUid,
            SeriesInstanceUid = identity.SeriesInstanceUid,
            Instances = 1,
            Rows = rows,
            Columns = columns,
            PixelSpacingMm = [rowSpacing, columnSpacing],
            Files = [file],
        };
    }

    private static ushort[] Render(int rows, int columns, double rowSpacing, double columnSpacing, ChestRadiograph chest, long seed)
    {
        var pixels = new ushort[rows * columns];
        // Rows in parallel, each with its own noise stream, so the result does not depend on scheduling.
        Parallel.For(0, rows, row =>
        {
            var noise = SampleRandom.For(seed, $"{Folder}/noise/{row}");
            var y = (row + 0.5) * rowSpacing;
            for (var column = 0; column < columns; column++)
            {
                var x = ((column + 0.5) * columnSpacing) - (ChestRadiograph.WidthMm / 2);
                var value = Math.Round(chest.ValueAt(x, y) + (NoiseSd * noise.NextGaussian()));
                pixels[(row * columns) + column] = (ushort)Math.Clamp(value, 0, 4095);
            }
        });
        return pixels;
    }
}
