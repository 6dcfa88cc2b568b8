namespace Telerad.Dicom.Generator;

/// <summary>
/// How each transfer syntax encodes the data set (PS3.5 Section 10 and Annex A). Table A-1 names the
/// syntaxes but does not carry these rules, so they are written down here, once, by UID.
/// </summary>
internal readonly record struct TransferSyntaxRules(bool ExplicitVR, bool BigEndian, bool Deflated, bool Encapsulated, bool Lossy)
{
    private const string ImplicitLittle = "1.2.840.10008.1.2";
    private const string ExplicitLittle = "1.2.840.10008.1.2.1";
    private const string DeflatedExplicitLittle = "1.2.840.10008.1.2.1.99";
    private const string ExplicitBig = "1.2.840.10008.1.2.2";
    private const string JpipReferenced = "1.2.840.10008.1.2.4.94";
    private const string JpipReferencedDeflate = "1.2.840.10008.1.2.4.95";

    // Lossless compressed syntaxes; every other encapsulated one may be lossy (PS3.5 Annex A.4, 8.2).
    private static readonly HashSet<string> LosslessEncapsulated = new(StringComparer.Ordinal)
    {
        "1.2.840.10008.1.2.1.98",  // Encapsulated Uncompressed
        "1.2.840.10008.1.2.4.57",  // JPEG Lossless
        "1.2.840.10008.1.2.4.58",
        "1.2.840.10008.1.2.4.65",
        "1.2.840.10008.1.2.4.66",
        "1.2.840.10008.1.2.4.70",  // JPEG Lossless SV1
        "1.2.840.10008.1.2.4.80",  // JPEG-LS Lossless
        "1.2.840.10008.1.2.4.90",  // JPEG 2000 Lossless
        "1.2.840.10008.1.2.4.92",  // JPEG 2000 Part 2 Lossless
        "1.2.840.10008.1.2.4.110", // JPEG XL Lossless
        "1.2.840.10008.1.2.5",     // RLE Lossless
    };

    public static TransferSyntaxRules For(string uid) => uid switch
    {
        ImplicitLittle => new(false, false, false, false, false),
        ExplicitLittle => new(true, false, false, false, false),
        DeflatedExplicitLittle => new(true, false, true, false, false),
        ExplicitBig => new(true, true, false, false, false),
        // JPIP referenced: the pixels live elsewhere (Pixel Data Provider URL), nothing is encapsulated.
        JpipReferenced => new(true, false, false, false, false),
        JpipReferencedDeflate => new(true, false, true, false, false),
        // MIME and XML encodings are not binary data sets; treat them as Explicit VR LE if ever met.
        "1.2.840.10008.1.2.6.1" or "1.2.840.10008.1.2.6.2" => new(true, false, false, false, false),
        // SMPTE ST 2110 syntaxes (DICOM-RTV) carry no pixel data in the data set.
        _ when uid.StartsWith("1.2.840.10008.1.2.7.", StringComparison.Ordinal) => new(true, false, false, false, false),
        _ => new(true, false, false, true, !LosslessEncapsulated.Contains(uid)),
    };
}
