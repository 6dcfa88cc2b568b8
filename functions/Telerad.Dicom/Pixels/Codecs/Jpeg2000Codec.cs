namespace Telerad.Dicom;

/// <summary>
/// JPEG 2000 frames (PS3.5 8.2.4 and A.4.4; ISO/IEC 15444-1) decoded by OpenJPEG from Debian's
/// libopenjp2-7. Output is native little-endian, components interleaved (Planar Configuration 0), as gdcm writes it.
/// </summary>
/// <remarks>
/// Where the codestream and the data set disagree, the codestream describes the samples, as in gdcm and
/// pydicom (with its J2K corrections on):
/// <list type="bullet">
/// <item>Precision above Bits Stored (e.g. 16-bit signed data labelled Bits Stored 14): the decoded values are
/// written whole; gdcm raises Bits Stored to the precision in that case.</item>
/// <item>Unsigned codestream, Pixel Representation 1 (e.g. 13-bit unsigned, Bits Stored 13): the precision-bit
/// values are read as two's complement and sign-extended to Bits Allocated, as pydicom does; gdcm keeps the raw
/// 13 bits, which are the same values once Bits Stored is applied.</item>
/// <item>Signed codestream, Pixel Representation 0: the signed values are written in two's complement.</item>
/// </list>
/// YBR_RCT and YBR_ICT data come out as RGB: the decoder undoes the component transform (PS3.3 C.7.6.3.1.2,
/// PS3.5 8.2.4), so the result is reported as RGB as gdcm does; other photometric interpretations are unchanged.
/// A JP2 file wrapper (not allowed by PS3.5 A.4.4 but written by some encoders) is accepted; its palette and
/// channel definitions are ignored because the DICOM attributes describe the samples.
/// </remarks>
public sealed unsafe class Jpeg2000Codec : IPixelCodec
{
    // High-Throughput JPEG 2000 (ISO/IEC 15444-15), which OpenJPEG decodes since 2.5.0, once the table lists it.
    private static readonly string[] HighThroughputUids = ["1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203"];

    private static readonly string[] Uids =
    [
        DicomTransferSyntax.Jpeg2000ImageCompressionLosslessOnly.Uid,
        DicomTransferSyntax.Jpeg2000ImageCompression.Uid,
        DicomTransferSyntax.Jpeg2000Part2MultiComponentImageCompressionLosslessOnly.Uid,
        DicomTransferSyntax.Jpeg2000Part2MultiComponentImageCompression.Uid,
        .. HighThroughputUids.Where(DicomTransferSyntax.IsKnown),
    ];

    // JP2 signature box (ISO/IEC 15444-1 I.5.1): length 12, type 'jP  ', content 0D 0A 87 0A.
    private static readonly byte[] Jp2Signature = [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A];

    private readonly NativeCodecLibrary _library;

    public Jpeg2000Codec()
        : this(OpenJpegNative.Status)
    {
    }

    internal Jpeg2000Codec(NativeCodecLibrary library)
    {
        _library = library;
    }

    public IReadOnlyCollection<string> TransferSyntaxUids => Uids;

    public bool IsAvailable => _library.IsAvailable;

    public string? UnavailableReason => _library.UnavailableReason;

    public NativeFrame Decode(ReadOnlySpan<byte> encodedFrame, PixelDataInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (!IsAvailable)
        {
            throw new PixelDecodeException($"JPEG 2000 cannot be decoded here: {UnavailableReason}");
        }

        CodecInputChecks.RequireDecodableGeometry(info, "JPEG 2000");
        var format = DetectFormat(encodedFrame);

        var codec = OpenJpegNative.CreateDecompress(format);
        if (codec == 0)
        {
            throw new PixelDecodeException("JPEG 2000: OpenJPEG could not create a decoder");
        }

        using var messages = new OpenJpegMessages();
        OpenJpegNative.Image* image = null;
        OpenJpegMemorySource source;
        nint stream = 0;
        try
        {
            OpenJpegNative.DecompressParameters parameters;
            OpenJpegNative.SetDefaultDecoderParameters(&parameters);
            parameters.Flags |= OpenJpegNative.IgnorePclrCmapCdef;

            // Strict mode: a truncated codestream is an error, not a partly decoded picture.
            if (!messages.TryAttach(codec)
                || OpenJpegNative.SetupDecoder(codec, &parameters) == 0
                || OpenJpegNative.SetStrictMode(codec, OpenJpegNative.True) == 0)
            {
                throw Failure("decoder setup failed", messages);
            }

            fixed (byte* data = encodedFrame)
            {
                stream = OpenJpegMemorySource.CreateStream(&source, data, encodedFrame.Length);
                if (OpenJpegNative.ReadHeader(stream, codec, &image) == 0 || image == null)
                {
                    throw Failure("the main header could not be read", messages);
                }

                // Everything OpenJPEG will allocate follows from the header: check it against the data set first.
                RequireHeaderMatches(image, info);
                if (OpenJpegNative.Decode(codec, stream, image) == 0 || OpenJpegNative.EndDecompress(codec, stream) == 0)
                {
                    throw Failure("the codestream could not be decoded", messages);
                }
            }

            return new NativeFrame(WriteSamples(image, info), info.BitsAllocated, 0, DecodedPhotometric(info));
        }
        finally
        {
            if (stream != 0)
            {
                OpenJpegNative.StreamDestroy(stream);
            }

            if (image != null)
            {
                OpenJpegNative.ImageDestroy(image);
            }

            OpenJpegNative.DestroyCodec(codec);
        }
    }

    /// <summary>The decoder undoes RCT/ICT, so those frames are RGB afterwards; everything else is as labelled.</summary>
    internal static string DecodedPhotometric(PixelDataInfo info)
    {
        var photometric = info.PhotometricInterpretation.Trim();
        return photometric is "YBR_RCT" or "YBR_ICT" ? "RGB" : photometric;
    }

    private static int DetectFormat(ReadOnlySpan<byte> frame)
    {
        if (frame.StartsWith(Jp2Signature))
        {
            return OpenJpegNative.CodecJp2;
        }

        // A codestream starts with SOC (FF4F) then SIZ (FF51) (ISO/IEC 15444-1 A.4.1).
        if (frame.Length >= 4 && frame[0] == 0xFF && frame[1] == 0x4F)
        {
            return OpenJpegNative.CodecJ2k;
        }

        throw new PixelDecodeException($"JPEG 2000: the frame ({frame.Length} bytes) starts with neither a codestream SOC marker nor a JP2 signature");
    }

    private static void RequireHeaderMatches(OpenJpegNative.Image* image, PixelDataInfo info)
    {
        var width = (long)image->X1 - image->X0;
        var height = (long)image->Y1 - image->Y0;
        if (width != info.Columns || height != info.Rows || image->ComponentCount != info.SamplesPerPixel)
        {
            throw new PixelDecodeException(
                $"JPEG 2000: the codestream holds {width}x{height} pixels of {image->ComponentCount} components, the data set says {info.Columns}x{info.Rows} of {info.SamplesPerPixel}");
        }

        for (var c = 0; c < info.SamplesPerPixel; c++)
        {
            var component = image->Components[c];
            if (component.Dx != 1 || component.Dy != 1 || component.Width != info.Columns || component.Height != info.Rows)
            {
                throw new PixelDecodeException($"JPEG 2000: component {c} is subsampled ({component.Dx}x{component.Dy}), which DICOM does not allow");
            }

            if (component.Precision < 1 || component.Precision > info.BitsAllocated)
            {
                throw new PixelDecodeException($"JPEG 2000: component {c} has {component.Precision}-bit samples, more than Bits Allocated {info.BitsAllocated}");
            }
        }
    }

    private static byte[] WriteSamples(OpenJpegNative.Image* image, PixelDataInfo info)
    {
        var samples = info.SamplesPerPixel;
        var pixels = (nint)info.Rows * info.Columns;
        var output = GC.AllocateUninitializedArray<byte>(checked((int)info.NativeFrameLength));
        fixed (byte* destination = output)
        {
            for (var c = 0; c < samples; c++)
            {
                var component = image->Components[c];
                if (component.Data == null)
                {
                    throw new PixelDecodeException($"JPEG 2000: component {c} was not decoded");
                }

                // pydicom's correction: unsigned data in a signed data set is two's complement of the codestream precision.
                var shift = component.Signed == 0 && info.PixelRepresentation == 1 ? 32 - (int)component.Precision : 0;
                if (info.BitsAllocated == 8)
                {
                    Jpeg2000SampleWriter.Write8(component.Data, pixels, destination + c, samples, shift);
                }
                else
                {
                    Jpeg2000SampleWriter.Write16(component.Data, pixels, (short*)destination + c, samples, shift);
                }
            }
        }

        return output;
    }

    private static PixelDecodeException Failure(string what, OpenJpegMessages messages) =>
        new($"JPEG 2000: {what} (OpenJPEG: {messages.Summary})");
}
