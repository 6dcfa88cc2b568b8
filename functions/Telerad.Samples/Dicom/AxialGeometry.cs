namespace Telerad.Samples.Dicom;

/// <summary>
/// A stack of axial slices over a square field of view centred on the origin, slice 0 the most inferior:
/// where each pixel is in patient coordinates, and the Image Plane module (PS3.3 C.7.6.2) that says so.
/// </summary>
internal sealed record AxialGeometry(int Matrix, double FieldOfViewMm, int Slices, double LowestZ, double CoverageMm, double ThicknessFraction)
{
    public double PixelSpacing => FieldOfViewMm / Matrix;

    public double SliceSpacing => CoverageMm / Slices;

    public double SliceThickness => SliceSpacing * ThicknessFraction;

    /// <summary>x (towards the patient's left) of the centre of a column.</summary>
    public double X(int column) => (-FieldOfViewMm / 2) + ((column + 0.5) * PixelSpacing);

    /// <summary>y (posterior) of the centre of a row: rows run from anterior to posterior.</summary>
    public double Y(int row) => (-FieldOfViewMm / 2) + ((row + 0.5) * PixelSpacing);

    /// <summary>z (superior) of a slice's centre.</summary>
    public double Z(int slice) => LowestZ + ((slice + 0.5) * SliceSpacing);

    public double HighestZ => LowestZ + CoverageMm;

    /// <summary>Image Plane (C.7.6.2), Frame of Reference (C.7.4.1) and the General Series' Patient Position
    /// (C.7.3.1, required for CT and MR).</summary>
    public void SetImagePlane(DicomDataset dataset, int slice, string frameOfReferenceUid)
    {
        dataset.SetString(DicomTags.FrameOfReferenceUID, frameOfReferenceUid);
        dataset.SetDoubles(DicomTags.PixelSpacing, [PixelSpacing, PixelSpacing]);
        dataset.SetDoubles(DicomTags.ImageOrientationPatient, [1, 0, 0, 0, 1, 0]);
        dataset.SetDoubles(DicomTags.ImagePositionPatient, [X(0), Y(0), Z(slice)]);
        dataset.SetDoubles(DicomTags.SliceThickness, [SliceThickness]);
        dataset.SetDoubles(DicomTags.SpacingBetweenSlices, [SliceSpacing]);
        dataset.SetDoubles(DicomTags.SliceLocation, [Z(slice)]);
        dataset.SetString(DicomTags.PatientPosition, "HFS");
        dataset.SetString(DicomTags.PositionReferenceIndicator, string.Empty);
    }
}
