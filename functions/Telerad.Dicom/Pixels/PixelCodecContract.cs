namespace Telerad.Dicom;

/// <summary>
/// The Image Pixel module attributes (PS3.3 C.7.6.3) that decoding needs, read once from a data set.
/// </summary>
public sealed record PixelDataInfo
{
    public required int Rows { get; init; }

    public required int Columns { get; init; }

    public required int SamplesPerPixel { get; init; }

    public required int BitsAllocated { get; init; }

    public required int BitsStored { get; init; }

    public required int HighBit { get; init; }

    /// <summary>0 unsigned, 1 two's complement.</summary>
    public required int PixelRepresentation { get; init; }

    /// <summary>0 interleaved (R1G1B1R2...), 1 planar (RRR...GGG...BBB).</summary>
    public required int PlanarConfiguration { get; init; }

    public required string PhotometricInterpretation { get; init; }

    public required int NumberOfFrames { get; init; }

    /// <summary>True for Float / Double Float Pixel Data (7FE0,0008 / 7FE0,0009): samples are IEEE floats.</summary>
    public bool IsFloatingPoint { get; init; }

    /// <summary>
    /// Bytes of one native (uncompressed) frame: rows x columns x samples x bits allocated / 8 (bit-packed for 1-bit).
    /// Native YBR_FULL_422 stores two samples per pixel (Y1 Y2 Cb Cr for each pixel pair, PS3.3 C.7.6.3.1.2).
    /// </summary>
    public long NativeFrameLength => BitsAllocated == 1
        ? ((long)Rows * Columns * SamplesPerPixel + 7) / 8
        : (long)Rows * Columns * StoredSamplesPerPixel * (BitsAllocated / 8);

    /// <summary>Bits of one native frame (frames of 1-bit data need not start on a byte boundary).</summary>
    public long NativeFrameBits => (long)Rows * Columns * StoredSamplesPerPixel * BitsAllocated;

    /// <summary>Samples stored per pixel in native data: 2 for YBR_FULL_422 (chroma shared by pixel pairs), else SamplesPerPixel.</summary>
    public int StoredSamplesPerPixel => SamplesPerPixel == 3 && PhotometricInterpretation == "YBR_FULL_422" ? 2 : SamplesPerPixel;
}

/// <summary>
/// A frame as a codec returns it: native little-endian bytes laid out as uncompressed Pixel Data would be
/// (<see cref="PlanarConfiguration"/> and <see cref="PhotometricInterpretation"/> say how, since a codec
/// may convert colour, e.g. JPEG YBR_FULL_422 to RGB as dcmtk does). <see cref="Data"/> is handed over to the
/// caller, who may keep it as the decoded frame's storage: return a fresh array, not a buffer the codec reuses.
/// </summary>
public sealed record NativeFrame(byte[] Data, int BitsAllocated, int PlanarConfiguration, string PhotometricInterpretation);

/// <summary>Decodes the compressed bytes of one frame for the transfer syntaxes it lists.</summary>
public interface IPixelCodec
{
    /// <summary>Transfer syntax UIDs this codec decodes.</summary>
    IReadOnlyCollection<string> TransferSyntaxUids { get; }

    /// <summary>
    /// Whether the codec can run here (a native library may be missing). When false, frames of its
    /// syntaxes are reported as not decodable with <see cref="UnavailableReason"/>.
    /// </summary>
    bool IsAvailable { get; }

    string? UnavailableReason { get; }

    /// <summary>Decodes one frame; throws <see cref="PixelDecodeException"/> for corrupt or unsupported data.</summary>
    NativeFrame Decode(ReadOnlySpan<byte> encodedFrame, PixelDataInfo info);
}

/// <summary>Why a frame could not be decoded.</summary>
public enum PixelDecodeFailure
{
    /// <summary>The data (or the attributes describing it) is malformed or inconsistent.</summary>
    Corrupt,

    /// <summary>Valid data that this library does not decode (e.g. a JPEG process the decoder lacks).</summary>
    Unsupported,

    /// <summary>No codec is registered for the transfer syntax.</summary>
    NoCodec,

    /// <summary>A codec exists but cannot run here (e.g. its native library is missing).</summary>
    CodecUnavailable,
}

/// <summary>Pixel data that cannot be decoded: corrupt, unsupported, or no codec here. Safe to log (no PHI).</summary>
public sealed class PixelDecodeException : Exception
{
    public PixelDecodeException(string message, PixelDecodeFailure failure)
        : base(message)
    {
        Failure = failure;
    }

    /// <summary>The kind of failure; <see cref="PixelDecodeFailure.Corrupt"/> unless the thrower said otherwise.</summary>
    public PixelDecodeFailure Failure { get; }

    public PixelDecodeException()
    {
    }

    public PixelDecodeException(string message)
        : base(message)
    {
    }

    public PixelDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
