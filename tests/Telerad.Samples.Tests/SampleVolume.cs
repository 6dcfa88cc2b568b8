namespace Telerad.Samples.Tests;

/// <summary>
/// A sample CT series read back with Telerad.Dicom (DicomFile, DicomPixelData, ModalityLut): each slice's
/// HU values and where its pixels are, from Image Position (Patient) and Pixel Spacing as written.
/// </summary>
internal sealed class SampleVolume
{
    private SampleVolume(IReadOnlyList<Slice> slices) => Slices = slices;

    public sealed record Slice(int InstanceNumber, double X0, double Y0, double Z, double RowSpacing, double ColumnSpacing, int Rows, int Columns, double[] Hu)
    {
        public double X(int column) => X0 + (column * ColumnSpacing);

        public double Y(int row) => Y0 + (row * RowSpacing);
    }

    public IReadOnlyList<Slice> Slices { get; }

    public static SampleVolume Read(GeneratedSampleStudy study)
    {
        var slices = new List<Slice>();
        foreach (var file in study.Descriptor.Files)
        {
            using var dicom = DicomFile.Open(Path.Combine(study.Directory, file));
            var dataset = dicom.Dataset;
            Assert.Equal([1, 0, 0, 0, 1, 0], dataset.GetDoubles(DicomTags.ImageOrientationPatient));
            var position = dataset.GetDoubles(DicomTags.ImagePositionPatient);
            var spacing = dataset.GetDoubles(DicomTags.PixelSpacing);
            var frame = DicomPixelData.Create(dicom).DecodeFrame(0);
            var lut = ModalityLut.FromDataset(dataset);
            var hu = new double[frame.PixelCount];
            for (var i = 0; i < hu.Length; i++)
            {
                hu[i] = lut.Apply(frame.GetSample(i));
            }

            slices.Add(new Slice(dataset.GetInt32(DicomTags.InstanceNumber)!.Value, position[0], position[1], position[2], spacing[0], spacing[1], frame.Rows, frame.Columns, hu));
        }

        return new SampleVolume(slices);
    }

    /// <summary>HU values of the voxels whose centres lie inside the lesion's ellipsoid scaled by <paramref name="fraction"/>.</summary>
    public List<double> InsideLesion(SampleLesionDescriptor lesion, double fraction)
    {
        var values = new List<double>();
        var (cx, cy, cz) = (lesion.CentreMm[0], lesion.CentreMm[1], lesion.CentreMm[2]);
        var (rx, ry, rz) = (lesion.RadiiMm[0] * fraction, lesion.RadiiMm[1] * fraction, lesion.RadiiMm[2] * fraction);
        foreach (var slice in Slices)
        {
            var dz = (slice.Z - cz) / rz;
            for (var row = 0; row < slice.Rows; row++)
            {
                var dy = (slice.Y(row) - cy) / ry;
                for (var column = 0; column < slice.Columns; column++)
                {
                    var dx = (slice.X(column) - cx) / rx;
                    if ((dx * dx) + (dy * dy) + (dz * dz) <= 1)
                    {
                        values.Add(slice.Hu[(row * slice.Columns) + column]);
                    }
                }
            }
        }

        return values;
    }
}
