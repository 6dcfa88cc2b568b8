namespace Telerad.Dicom.Tests.Codecs;

/// <summary>
/// Small uncompressed images written by pydicom + numpy (smooth gradients plus seeded noise, odd sizes so
/// vector loops have tails), for shapes the public test files lack. They are then compressed by dcmtk or gdcm,
/// so the expected pixels come from python and the codestreams from the reference encoders, never from our code.
/// </summary>
internal static class SyntheticImages
{
    private const string Script = """
        import sys
        import numpy as np
        from pydicom.dataset import Dataset, FileMetaDataset
        from pydicom.uid import ExplicitVRLittleEndian, generate_uid

        out, rows, cols, samples, allocated, stored, signed, photometric, seed, raw = sys.argv[1:11]
        rows, cols, samples, allocated, stored, signed, seed = map(int, (rows, cols, samples, allocated, stored, signed, seed))
        rng = np.random.default_rng(seed)
        y, x = np.mgrid[0:rows, 0:cols]
        low, high = (-(1 << (stored - 1)), (1 << (stored - 1)) - 1) if signed else (0, (1 << stored) - 1)
        planes = []
        for s in range(samples):
            smooth = (np.sin(x / (5.0 + s)) + np.cos(y / 7.0)) * (high - low) / 5 + (low + high) / 2
            planes.append(np.clip(smooth + rng.normal(0, (high - low) / 40, (rows, cols)), low, high))
        pixels = np.stack(planes, axis=-1) if samples > 1 else planes[0]
        pixels = np.rint(pixels).astype({(8, 0): np.uint8, (16, 0): np.uint16, (8, 1): np.int8, (16, 1): np.int16}[(allocated, signed)])
        if raw == "raw":
            # keep only the low Bits Stored bits and call them unsigned: what an encoder of unsigned samples codes
            pixels = pixels.view({8: np.uint8, 16: np.uint16}[allocated]) & ((1 << stored) - 1)
            signed = 0
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
        ds.file_meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=[str(seed)])
        ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
        ds.Modality = "OT"
        ds.Rows, ds.Columns, ds.SamplesPerPixel = rows, cols, samples
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = allocated, stored, stored - 1, signed
        ds.PhotometricInterpretation = photometric
        if samples > 1:
            ds.PlanarConfiguration = 0
        ds.PixelData = pixels.astype(pixels.dtype.newbyteorder("<")).tobytes()
        ds.is_little_endian, ds.is_implicit_VR = True, False
        ds.save_as(out, write_like_original=False)
        """;

    public sealed record Shape(int Samples, int BitsAllocated, int BitsStored, int PixelRepresentation, string Photometric, int Rows = 45, int Columns = 67)
    {
        /// <summary>Store only the low Bits Stored bits of each value, labelled unsigned (Pixel Representation 0).</summary>
        public bool RawPatterns { get; init; }
    }

    /// <summary>Writes the image as Explicit VR Little Endian into <paramref name="directory"/> and returns its path.</summary>
    public static string Create(string directory, string name, Shape shape, int seed)
    {
        var path = Path.Combine(directory, name + ".dcm");
        CodecTestFrames.RunTool(
            "/usr/bin/python3",
            "-c",
            Script,
            path,
            shape.Rows.ToString(),
            shape.Columns.ToString(),
            shape.Samples.ToString(),
            shape.BitsAllocated.ToString(),
            shape.BitsStored.ToString(),
            shape.PixelRepresentation.ToString(),
            shape.Photometric,
            seed.ToString(),
            shape.RawPatterns ? "raw" : "whole");
        return path;
    }
}
