namespace Telerad.Dicom;

/// <summary>
/// Reads and checks the Image Pixel module attributes (PS3.3 C.7.6.3) and Number of Frames (C.7.6.6).
/// Missing or contradictory values raise <see cref="PixelDecodeException"/> naming the attribute.
/// </summary>
internal static class PixelDataInfoReader
{
    public static PixelDataInfo Read(DicomDataset dataset, bool isFloatingPoint)
    {
        var rows = Required(dataset, DicomTags.Rows, "Rows");
        var columns = Required(dataset, DicomTags.Columns, "Columns");
        var bitsAllocated = Required(dataset, DicomTags.BitsAllocated, "Bits Allocated");
        var samples = Optional(dataset, DicomTags.SamplesPerPixel, "Samples per Pixel") ?? 1;
        if (rows <= 0 || columns <= 0)
        {
            throw Error($"Rows (0028,0010) and Columns (0028,0011) must be positive (found {rows} x {columns})");
        }

        if (samples is not (1 or 3 or 4))
        {
            throw Error($"Samples per Pixel (0028,0002) is {samples}; 1, 3 or 4 expected");
        }

        if (isFloatingPoint ? bitsAllocated is not (32 or 64) : bitsAllocated is not (1 or 8 or 16 or 32 or 64))
        {
            throw Error($"Bits Allocated (0028,0100) is {bitsAllocated}; not a size this library decodes");
        }

        // Float pixel data has no Bits Stored, High Bit or Pixel Representation (PS3.3 C.7.6.3.1).
        var bitsStored = isFloatingPoint ? bitsAllocated : Optional(dataset, DicomTags.BitsStored, "Bits Stored") ?? bitsAllocated;
        var highBit = isFloatingPoint ? bitsAllocated - 1 : Optional(dataset, DicomTags.HighBit, "High Bit") ?? bitsStored - 1;
        var representation = isFloatingPoint ? 0 : Optional(dataset, DicomTags.PixelRepresentation, "Pixel Representation") ?? 0;
        if (bitsStored < 1 || bitsStored > bitsAllocated)
        {
            throw Error($"Bits Stored (0028,0101) is {bitsStored}, outside 1..Bits Allocated ({bitsAllocated})");
        }

        if (highBit < bitsStored - 1 || highBit >= bitsAllocated)
        {
            throw Error($"High Bit (0028,0102) is {highBit}; with Bits Stored {bitsStored} and Bits Allocated {bitsAllocated} it must be in {bitsStored - 1}..{bitsAllocated - 1}");
        }

        if (representation is not (0 or 1))
        {
            throw Error($"Pixel Representation (0028,0103) is {representation}; 0 or 1 expected");
        }

        var planar = samples > 1 ? Optional(dataset, DicomTags.PlanarConfiguration, "Planar Configuration") ?? 0 : 0;
        if (planar is not (0 or 1))
        {
            throw Error($"Planar Configuration (0028,0006) is {planar}; 0 or 1 expected");
        }

        var photometric = dataset.GetString(DicomTags.PhotometricInterpretation)?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(photometric))
        {
            photometric = samples == 1 ? "MONOCHROME2" : throw Error("Photometric Interpretation (0028,0004) is missing for colour pixel data");
        }

        return new PixelDataInfo
        {
            Rows = rows,
            Columns = columns,
            SamplesPerPixel = samples,
            BitsAllocated = bitsAllocated,
            BitsStored = bitsStored,
            HighBit = highBit,
            PixelRepresentation = representation,
            PlanarConfiguration = planar,
            PhotometricInterpretation = photometric,
            NumberOfFrames = NumberOfFrames(dataset),
            IsFloatingPoint = isFloatingPoint,
        };
    }

    private static int NumberOfFrames(DicomDataset dataset)
    {
        if (!dataset.TryGetElement(DicomTags.NumberOfFrames, out var element) || element.Value.Length == 0)
        {
            return 1;
        }

        var frames = dataset.GetInt64(DicomTags.NumberOfFrames);
        if (frames is null)
        {
            throw Error("Number of Frames (0028,0008) is not a valid integer");
        }

        if (frames < 1 || frames > int.MaxValue)
        {
            throw Error($"Number of Frames (0028,0008) is {frames}; at least 1 expected");
        }

        return (int)frames.Value;
    }

    private static int Required(DicomDataset dataset, DicomTag tag, string name) =>
        Optional(dataset, tag, name) ?? throw Error($"{name} {tag} is missing");

    private static int? Optional(DicomDataset dataset, DicomTag tag, string name)
    {
        if (!dataset.TryGetElement(tag, out var element) || element.Value.Length == 0)
        {
            return null;
        }

        return dataset.GetInt32(tag) ?? throw Error($"{name} {tag} is not a valid number");
    }

    private static PixelDecodeException Error(string message) => new(message, PixelDecodeFailure.Corrupt);
}
