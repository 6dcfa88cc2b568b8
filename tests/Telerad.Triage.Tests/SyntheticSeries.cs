namespace Telerad.Triage.Tests;

/// <summary>
/// Writes small CT series whose pixel values the tests choose, so the expected triage numbers can be worked out by
/// hand: 16x16 slices of signed 16-bit stored values with Rescale Slope 1 and Intercept -1024 (stored 1024 is 0 HU).
/// Files are named at random, so the engine must order slices by position, not by name.
/// </summary>
internal static class SyntheticSeries
{
    public const int Size = 16;

    /// <summary>One slice per element of <paramref name="slices"/>: a function from (row, column) to HU.</summary>
    public static List<string> Write(string folder, IReadOnlyList<Func<int, int, short>> slices, string modality = "CT", string bodyPart = "HEAD", DicomTransferSyntax? syntax = null)
    {
        Directory.CreateDirectory(folder);
        var study = "2.25." + UInt128Text();
        var series = "2.25." + UInt128Text();
        var files = new List<string>();
        for (var index = 0; index < slices.Count; index++)
        {
            var pixels = new short[Size * Size];
            for (var r = 0; r < Size; r++)
            {
                for (var c = 0; c < Size; c++)
                {
                    pixels[(r * Size) + c] = (short)(slices[index](r, c) + 1024);
                }
            }

            var d = new DicomDataset();
            d.SetString(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.2");
            d.SetString(DicomTags.SOPInstanceUID, "2.25." + UInt128Text());
            d.SetString(DicomTags.StudyInstanceUID, study);
            d.SetString(DicomTags.SeriesInstanceUID, series);
            d.SetString(DicomTags.Modality, modality);
            d.SetString(DicomTags.BodyPartExamined, bodyPart);
            d.SetInteger(DicomTags.InstanceNumber, index + 1);
            d.SetDoubles(DicomTags.ImageOrientationPatient, [1, 0, 0, 0, 1, 0]);
            d.SetDoubles(DicomTags.ImagePositionPatient, [-8, -8, index * 3.0]);
            d.SetInteger(DicomTags.SamplesPerPixel, 1);
            d.SetString(DicomTags.PhotometricInterpretation, "MONOCHROME2");
            d.SetInteger(DicomTags.Rows, Size);
            d.SetInteger(DicomTags.Columns, Size);
            d.SetInteger(DicomTags.BitsAllocated, 16);
            d.SetInteger(DicomTags.BitsStored, 16);
            d.SetInteger(DicomTags.HighBit, 15);
            d.SetInteger(DicomTags.PixelRepresentation, 1);
            d.SetDoubles(DicomTags.RescaleSlope, [1]);
            d.SetDoubles(DicomTags.RescaleIntercept, [-1024]);
            d.SetValues(DicomTags.PixelData, DicomVR.OW, pixels);
            var path = Path.Combine(folder, Guid.NewGuid().ToString("N") + ".dcm");
            DicomWriter.WriteFile(path, d, syntax ?? DicomTransferSyntax.ExplicitVRLittleEndian);
            files.Add(path);
        }

        return files;
    }

    public static Func<int, int, short> Constant(short hu) => (_, _) => hu;

    /// <summary>A slice of <paramref name="background"/> HU with a square of <paramref name="hu"/> at rows and columns [from, to).</summary>
    public static Func<int, int, short> Square(short background, short hu, int rowFrom, int rowTo, int columnFrom, int columnTo) =>
        (r, c) => r >= rowFrom && r < rowTo && c >= columnFrom && c < columnTo ? hu : background;

    private static string UInt128Text() => new UInt128(BitConverter.ToUInt64(Guid.NewGuid().ToByteArray()), BitConverter.ToUInt64(Guid.NewGuid().ToByteArray())).ToString();
}
