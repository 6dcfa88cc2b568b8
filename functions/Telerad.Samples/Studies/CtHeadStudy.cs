using Telerad.Samples.Dicom;
using Telerad.Samples.Phantoms;

namespace Telerad.Samples.Studies;

/// <summary>
/// Non-contrast CT of the head (CT Image IOD, PS3.3 A.3; CT Image module C.8.2.1): axial slices of the head
/// phantom in Hounsfield units, stored as signed 16-bit values with Rescale Intercept -1024, with mild noise,
/// and in the lesion study a hyperdense intraparenchymal lesion.
/// </summary>
internal static class CtHeadStudy
{
    public const string LesionFolder = "ct-head-lesion";
    public const string NormalFolder = "ct-head-normal";
    public const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";

    /// <summary>z range the lesion must lie within: inside the coverage with a slice or two to spare.</summary>
    public const double LesionLowestZ = -48;
    public const double LesionHighestZ = 60;

    private const double RescaleIntercept = -1024;
    private const double NoiseHu = 4;

    public static AxialGeometry Geometry(SampleDimensions dimensions) =>
        new(dimensions.CtMatrix, FieldOfViewMm: 240, dimensions.CtSlices, LowestZ: -54, CoverageMm: 120, ThicknessFraction: 1);

    public static SampleStudyDescriptor Write(string directory, long seed, SampleDimensions dimensions, HeadAnatomy anatomy, HeadLesion? lesion)
    {
        var geometry = Geometry(dimensions);
        var series = FormattableString.Invariant($"AXIAL BRAIN {geometry.SliceThickness:0.##} MM");
        var identity = lesion is null
            ? SampleIdentity.Create(seed, NormalFolder, "CTN", "Ben", "M", 47, "CT", "HEAD", CtImageStorage, "CT HEAD WITHOUT CONTRAST (SAMPLE)", series)
            : SampleIdentity.Create(seed, LesionFolder, "CTL", "Ada", "F", 71, "CT", "HEAD", CtImageStorage, "CT HEAD WITHOUT CONTRAST (SAMPLE)", series);
        var files = new string[geometry.Slices];
        Parallel.For(0, geometry.Slices, slice =>
        {
            var instanceNumber = slice + 1;
            var dataset = SampleDatasets.CreateInstance(identity, instanceNumber);
            SetCtImage(dataset, identity, geometry, slice);
            dataset.SetValues(DicomTags.PixelData, DicomVR.OW, Render(geometry, slice, anatomy, lesion, SampleRandom.For(seed, $"{identity.Folder}/noise/{slice}")));
            files[slice] = SampleFiles.Name("CT", instanceNumber);
            SampleFiles.Write(Path.Combine(directory, files[slice]), dataset);
        });

        return new SampleStudyDescriptor
        {
            Folder = identity.Folder,
            Description = lesion is null
                ? "Non-contrast CT of the head, synthetic phantom: no abnormality."
                : "Non-contrast CT of the head, synthetic phantom with a hyperdense intraparenchymal lesion (like an acute haemorrhage).",
            Modality = identity.Modality,
            SopClassUid = identity.SopClassUid,
            BodyPartExamined = identity.BodyPartExamined,
            ExpectedFinding = lesion is null ? "none" : "intracranial-hyperdensity",
            Critical = lesion is not null,
            Seed = seed,
            PatientName = identity.PatientName,
            PatientId = identity.PatientId,
            AccessionNumber = identity.AccessionNumber,
            StudyInstanceUid = identity.StudyInstanceUid,
            SeriesInstanceUid = identity.SeriesInstanceUid,
            Instances = geometry.Slices,
            Rows = geometry.Matrix,
            Columns = geometry.Matrix,
            PixelSpacingMm = [geometry.PixelSpacing, geometry.PixelSpacing],
            SliceThicknessMm = geometry.SliceThickness,
            SliceSpacingMm = geometry.SliceSpacing,
            Files = files,
            Lesion = lesion is null ? null : Describe(lesion, geometry),
        };
    }

    private static void SetCtImage(DicomDataset dataset, SampleIdentity identity, AxialGeometry geometry, int slice)
    {
        dataset.SetStrings(DicomTags.ImageType, ["ORIGINAL", "PRIMARY", "AXIAL"]);
        dataset.SetString(DicomTags.KVP, "120");
        dataset.SetString(DicomTags.DataCollectionDiameter, "250");
        dataset.SetDoubles(DicomTags.ReconstructionDiameter, [geometry.FieldOfViewMm]);
        dataset.SetString(DicomTags.GantryDetectorTilt, "0");
        dataset.SetString(DicomTags.TableHeight, "140");
        dataset.SetString(DicomTags.RotationDirection, "CW");
        dataset.SetInteger(DicomTags.ExposureTime, 1000);
        dataset.SetInteger(DicomTags.XRayTubeCurrent, 220);
        dataset.SetStrings(DicomTags.ConvolutionKernel, ["STANDARD"]);
        geometry.SetImagePlane(dataset, slice, identity.FrameOfReferenceUid);
        SampleDatasets.SetImagePixel(dataset, geometry.Matrix, geometry.Matrix, bitsStored: 16, signed: true, "MONOCHROME2");
        SampleDatasets.SetWindows(dataset, (40, 80, "BRAIN"), (600, 2800, "BONE"));
        dataset.SetDoubles(DicomTags.RescaleIntercept, [RescaleIntercept]);
        dataset.SetDoubles(DicomTags.RescaleSlope, [1]);
        dataset.SetString(DicomTags.RescaleType, "HU");
    }

    /// <summary>One slice's stored values: HU of the tissue (or the lesion) plus noise, minus the intercept.</summary>
    private static short[] Render(AxialGeometry geometry, int slice, HeadAnatomy anatomy, HeadLesion? lesion, SampleRandom noise)
    {
        var matrix = geometry.Matrix;
        var pixels = new short[matrix * matrix];
        var z = geometry.Z(slice);
        for (var row = 0; row < matrix; row++)
        {
            var y = geometry.Y(row);
            for (var column = 0; column < matrix; column++)
            {
                var x = geometry.X(column);
                var tissue = anatomy.Classify(x, y, z, out var boneDepth);
                var hu = (lesion is null ? null : lesion.HuAt(x, y, z)) ?? Hu(tissue, boneDepth);
                var stored = Math.Round(hu + (NoiseHu * noise.NextGaussian()) - RescaleIntercept);
                pixels[(row * matrix) + column] = (short)Math.Clamp(stored, 0, 4095);
            }
        }

        return pixels;
    }

    private static double Hu(HeadTissue tissue, double boneDepth) => tissue switch
    {
        HeadTissue.Air => -1000,
        HeadTissue.Scalp => 40,
        // Dense outer and inner tables (~1800 HU), less dense diploe between them (~1000 HU).
        HeadTissue.Bone => 1000 + (800 * ((2 * boneDepth) - 1) * ((2 * boneDepth) - 1)),
        HeadTissue.SubarachnoidCsf => 8,
        HeadTissue.Ventricle => 4,
        HeadTissue.GreyMatter => 39,
        HeadTissue.DeepGreyMatter => 37,
        HeadTissue.WhiteMatter => 31,
        _ => throw new ArgumentOutOfRangeException(nameof(tissue), tissue, null),
    };

    private static SampleLesionDescriptor Describe(HeadLesion lesion, AxialGeometry geometry)
    {
        var shape = lesion.Shape;
        var firstZ = geometry.Z(0);
        var slicePosition = (shape.CentreZ - firstZ) / geometry.SliceSpacing;
        return new SampleLesionDescriptor
        {
            CentreMm = [shape.CentreX, shape.CentreY, shape.CentreZ],
            RadiiMm = [shape.RadiusX, shape.RadiusY, shape.RadiusZ],
            PeakHu = lesion.PeakHu,
            EdgeHu = lesion.EdgeHu,
            CentreColumn = (shape.CentreX - geometry.X(0)) / geometry.PixelSpacing,
            CentreRow = (shape.CentreY - geometry.Y(0)) / geometry.PixelSpacing,
            CentreInstanceNumber = (int)Math.Round(slicePosition) + 1,
            FirstInstanceNumber = (int)Math.Ceiling((shape.CentreZ - shape.RadiusZ - firstZ) / geometry.SliceSpacing) + 1,
            LastInstanceNumber = (int)Math.Floor((shape.CentreZ + shape.RadiusZ - firstZ) / geometry.SliceSpacing) + 1,
        };
    }
}
