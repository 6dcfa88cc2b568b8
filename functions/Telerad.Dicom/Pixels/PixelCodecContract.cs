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

    /// <summary>Bytes of one native (uncompressed) frame: rows x columns x samples x bits allocated / 8 (bit-packed for 1-bit).</summary>
    public long NativeFrameLength => BitsAllocated == 1
        ? ((long)Rows * Columns * SamplesPerPixel + 7) / 8
        : (long)Rows * Columns * SamplesPerPixel * (BitsAllocated / 8);
}

/// <summary>
/// A frame as a codec returns it: native little-endian bytes laid out as uncompressed Pixel Data would be
/// (<see cref="PlanarConfiguration"/> and <see cref="PhotometricInterpretation"/> say how, since a codec
/// may convert colour, e.g. JPEG YBR_FULL_422 to RGB as dcmtk does).
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

/// <summary>Pixel data that cannot be decoded: corrupt, unsupported, or no codec here. Safe to log (no PHI).</summary>
public sealed class PixelDecodeException : Exception
{
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
