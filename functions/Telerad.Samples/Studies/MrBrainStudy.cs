using Telerad.Samples.Dicom;
using Telerad.Samples.Phantoms;

namespace Telerad.Samples.Studies;

/// <summary>
/// A T1-weighted spin-echo MR of the brain (MR Image IOD, PS3.3 A.4; MR Image module C.8.3.1): the head
/// phantom with T1-like contrast (white matter brighter than grey, CSF dark, scalp fat and marrow bright,
/// cortical bone dark) and Rician noise, 12-bit unsigned magnitude values.
/// </summary>
internal static class MrBrainStudy
{
    public const string Folder = "mr-brain";
    public const string MrImageStorage = "1.2.840.10008.5.1.4.1.1.4";

    private const double NoiseSd = 15;

    public static AxialGeometry Geometry(SampleDimensions dimensions) =>
        new(dimensions.MrMatrix, FieldOfViewMm: 230, dimensions.MrSlices, LowestZ: -21, CoverageMm: 72, ThicknessFraction: 5.0 / 6);

    public static SampleStudyDescriptor Write(string directory, long seed, SampleDimensions dimensions, HeadAnatomy anatomy)
    {
        var geometry = Geometry(dimensions);
        var identity = SampleIdentity.Create(seed, Folder, "MR", "Dev", "M", 36, "MR", "BRAIN", MrImageStorage, "MR BRAIN (SAMPLE)", "AX T1 SE");
        var files = new string[geometry.Slices];
        Parallel.For(0, geometry.Slices, slice =>
        {
            var instanceNumber = slice + 1;
            var dataset = SampleDatasets.CreateInstance(identity, instanceNumber);
            SetMrImage(dataset, identity, geometry, slice);
            dataset.SetValues(DicomTags.PixelData, DicomVR.OW, Render(geometry, slice, anatomy, SampleRandom.For(seed, $"{Folder}/noise/{slice}")));
            files[slice] = SampleFiles.Name("MR", instanceNumber);
            SampleFiles.Write(Path.Combine(directory, files[slice]), dataset);
        });

        return new SampleStudyDescriptor
        {
            Folder = Folder,
            Description = "T1-weighted MR of the brain, synthetic phantom: no abnormality.",
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
            Instances = geometry.Slices,
            Rows = geometry.Matrix,
            Columns = geometry.Matrix,
            PixelSpacingMm = [geometry.PixelSpacing, geometry.PixelSpacing],
            SliceThicknessMm = geometry.SliceThickness,
            SliceSpacingMm = geometry.SliceSpacing,
            Files = files,
        };
    }

    private static void SetMrImage(DicomDataset dataset, SampleIdentity identity, AxialGeometry geometry, int slice)
    {
        // Value 3 is required for MR (C.8.3.1.1.1); OTHER: an acquired image, not a computed map.
        dataset.SetStrings(DicomTags.ImageType, ["ORIGINAL", "PRIMARY", "OTHER"]);
        dataset.SetStrings(DicomTags.ScanningSequence, ["SE"]);
        dataset.SetStrings(DicomTags.SequenceVariant, ["NONE"]);
        dataset.SetString(DicomTags.ScanOptions, string.Empty);
        dataset.SetString(DicomTags.MRAcquisitionType, "2D");
        dataset.SetString(DicomTags.SequenceName, "SE2D");
        dataset.SetString(DicomTags.RepetitionTime, "500");
        dataset.SetString(DicomTags.EchoTime, "12");
        dataset.SetString(DicomTags.NumberOfAverages, "1");
        dataset.SetString(DicomTags.ImagingFrequency, "63.87");
        dataset.SetString(DicomTags.ImagedNucleus, "1H");
        dataset.SetString(DicomTags.MagneticFieldStrength, "1.5");
        dataset.SetInteger(DicomTags.EchoTrainLength, 1);
        dataset.SetString(DicomTags.PixelBandwidth, "150");
        dataset.SetString(DicomTags.FlipAngle, "90");
        geometry.SetImagePlane(dataset, slice, identity.FrameOfReferenceUid);
        SampleDatasets.SetImagePixel(dataset, geometry.Matrix, geometry.Matrix, bitsStored: 12, signed: false, "MONOCHROME2");
        SampleDatasets.SetWindows(dataset, (650, 1300, "T1"));
    }

    private static ushort[] Render(AxialGeometry geometry, int slice, HeadAnatomy anatomy, SampleRandom noise)
    {
        var matrix = geometry.Matrix;
        var pixels = new ushort[matrix * matrix];
        var z = geometry.Z(slice);
        for (var row = 0; row < matrix; row++)
        {
            var y = geometry.Y(row);
            for (var column = 0; column < matrix; column++)
            {
                var x = geometry.X(column);
                var signal = Signal(anatomy.Classify(x, y, z, out var boneDepth), boneDepth);
                // Magnitude of a complex signal with Gaussian noise in both channels: Rician, never negative.
                var real = signal + (NoiseSd * noise.NextGaussian());
                var imaginary = NoiseSd * noise.NextGaussian();
                var magnitude = Math.Round(Math.Sqrt((real * real) + (imaginary * imaginary)));
                pixels[(row * matrix) + column] = (ushort)Math.Min(magnitude, 4095);
            }
        }

        return pixels;
    }

    private static double Signal(HeadTissue tissue, double boneDepth) => tissue switch
    {
        HeadTissue.Air => 0,
        HeadTissue.Scalp => 1350, // subcutaneous fat: bright on T1
        // Cortical tables dark, fatty marrow of the diploe bright.
        HeadTissue.Bone => 90 + (950 * (1 - (((2 * boneDepth) - 1) * ((2 * boneDepth) - 1)))),
        HeadTissue.SubarachnoidCsf or HeadTissue.Ventricle => 210,
        HeadTissue.GreyMatter => 700,
        HeadTissue.DeepGreyMatter => 760,
        HeadTissue.WhiteMatter => 1020,
        _ => throw new ArgumentOutOfRangeException(nameof(tissue), tissue, null),
    };
}
