namespace Telerad.Dicom;

/// <summary>
/// Access to the pixel data of a data set: its attributes, its frames' encoded bytes, and decoded frames.
/// Native values are read one frame at a time (a lazy value is never read whole), so memory stays bounded
/// by a frame. Keep the <see cref="DicomFile"/> open while frames are read.
/// </summary>
public sealed class DicomPixelData
{
    private readonly DicomItem _pixels;
    private readonly PixelCodecRegistry _codecs;
    private readonly Lazy<FrameFragments[]>? _fragmentTable;

    private DicomPixelData(DicomDataset dataset, DicomTransferSyntax syntax, DicomItem pixels, PixelDataInfo info, PixelCodecRegistry codecs)
    {
        Dataset = dataset;
        _pixels = pixels;
        _codecs = codecs;
        TransferSyntax = syntax;
        Info = info;
        if (pixels is DicomFragmentSequence fragments)
        {
            _fragmentTable = new Lazy<FrameFragments[]>(() => EncapsulatedFrameTable.Build(dataset, fragments, info.NumberOfFrames, syntax));
        }
    }

    public PixelDataInfo Info { get; }

    /// <summary>The data set the pixel data belongs to (for LUTs and palettes).</summary>
    public DicomDataset Dataset { get; }

    public DicomTransferSyntax TransferSyntax { get; }

    public int NumberOfFrames => Info.NumberOfFrames;

    /// <summary>True when Pixel Data is a sequence of compressed fragments (PS3.5 A.4).</summary>
    public bool IsEncapsulated => _pixels is DicomFragmentSequence;

    /// <summary>Pixel Data (7FE0,0010), Float Pixel Data (7FE0,0008) or Double Float Pixel Data (7FE0,0009).</summary>
    public DicomTag PixelDataTag => _pixels.Tag;

    public static DicomPixelData Create(DicomFile file, PixelCodecRegistry? codecs = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Create(file.Dataset, file.TransferSyntax, codecs);
    }

    /// <summary>Reads the pixel attributes; throws <see cref="PixelDecodeException"/> when they are missing or contradict the data.</summary>
    public static DicomPixelData Create(DicomDataset dataset, DicomTransferSyntax transferSyntax, PixelCodecRegistry? codecs = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(transferSyntax);
        var pixels = dataset[DicomTags.PixelData] ?? dataset[DicomTags.FloatPixelData] ?? dataset[DicomTags.DoubleFloatPixelData]
            ?? throw new PixelDecodeException("The data set has no Pixel Data (7FE0,0010), Float Pixel Data (7FE0,0008) or Double Float Pixel Data (7FE0,0009)");
        var isFloat = pixels.Tag != DicomTags.PixelData;
        var info = PixelDataInfoReader.Read(dataset, isFloat);
        if (isFloat && info.BitsAllocated != (pixels.Tag == DicomTags.FloatPixelData ? 32 : 64))
        {
            throw new PixelDecodeException($"{pixels.Tag} needs Bits Allocated {(pixels.Tag == DicomTags.FloatPixelData ? 32 : 64)}, found {info.BitsAllocated}");
        }

        switch (pixels)
        {
            case DicomElement element:
                if (transferSyntax.IsEncapsulated)
                {
                    throw new PixelDecodeException($"Pixel Data is native but the transfer syntax {transferSyntax.Uid} says it is encapsulated");
                }

                var required = NativeFrameReader.RequiredLength(info);
                if (element.Value.Length < required)
                {
                    throw new PixelDecodeException(
                        $"{pixels.Tag} has {element.Value.Length} bytes; {info.NumberOfFrames} frame(s) of {info.Rows}x{info.Columns}x{info.SamplesPerPixel} at {info.BitsAllocated} bits need {required}");
                }

                break;
            case DicomFragmentSequence:
                if (!transferSyntax.IsEncapsulated)
                {
                    throw new PixelDecodeException($"Pixel Data is encapsulated but the transfer syntax {transferSyntax.Uid} is native");
                }

                break;
            default:
                throw new PixelDecodeException($"{pixels.Tag} is a sequence, not pixel data");
        }

        return new DicomPixelData(dataset, transferSyntax, pixels, info, codecs ?? PixelCodecRegistry.Default);
    }

    /// <summary>
    /// The encoded bytes of one frame: for native data the frame's samples (little endian; 1-bit frames realigned
    /// to start at bit 0), for encapsulated data the frame's fragments joined.
    /// </summary>
    public ReadOnlyMemory<byte> GetFrameBytes(int frameIndex)
    {
        if (frameIndex < 0 || frameIndex >= NumberOfFrames)
        {
            throw new ArgumentOutOfRangeException(nameof(frameIndex), $"Frame {frameIndex} is not in 0..{NumberOfFrames - 1}.");
        }

        if (_pixels is DicomElement element)
        {
            return NativeFrameReader.ReadFrame(element, Info, frameIndex, TransferSyntax.IsBigEndian);
        }

        var sequence = (DicomFragmentSequence)_pixels;
        var frame = _fragmentTable!.Value[frameIndex];
        if (frame.Count == 1)
        {
            var fragment = sequence.Fragments[frame.First];
            var bytes = fragment.GetMemory();
            return frame.Length >= 0 ? bytes[..(int)frame.Length] : bytes;
        }

        var total = 0L;
        for (var i = frame.First; i < frame.First + frame.Count; i++)
        {
            total += sequence.Fragments[i].Length;
        }

        if (frame.Length >= 0)
        {
            total = Math.Min(total, frame.Length);
        }

        if (total > Array.MaxLength)
        {
            throw new PixelDecodeException($"Frame {frameIndex + 1} has {total} compressed bytes, too many to decode in memory", PixelDecodeFailure.Unsupported);
        }

        var joined = new byte[total];
        var at = 0;
        for (var i = frame.First; i < frame.First + frame.Count && at < joined.Length; i++)
        {
            var part = sequence.Fragments[i].GetMemory().Span;
            var take = Math.Min(part.Length, joined.Length - at);
            part[..take].CopyTo(joined.AsSpan(at));
            at += take;
        }

        return joined;
    }

    /// <summary>Decodes one frame, or says why it cannot be decoded. Throws only for a bad frame index.</summary>
    public PixelDecodeResult TryDecodeFrame(int frameIndex) => TryDecodeFrame(frameIndex, reusableBuffer: null);

    /// <summary>
    /// Bytes of a decoded frame when a native frame can be decoded in place into a reusable buffer
    /// (see <see cref="TryDecodeFrame(int, byte[])"/>); null when it cannot (encapsulated, 1-bit, planar or YBR 4:2:2 data).
    /// </summary>
    public int? ReusableFrameLength =>
        !IsEncapsulated && NativePixelDecoder.DecodesInPlace(Info) && Info.NativeFrameLength <= Array.MaxLength ? (int)Info.NativeFrameLength : null;

    /// <summary>
    /// As <see cref="TryDecodeFrame(int)"/>, but a native frame is read and decoded inside
    /// <paramref name="reusableBuffer"/> when its length is <see cref="ReusableFrameLength"/>: the frame's
    /// <see cref="PixelFrame.Data"/> is then that buffer, valid until the caller reuses it. Saves allocating (and the
    /// operating system zeroing) a frame-sized array per frame when many frames are processed one after another.
    /// </summary>
    public PixelDecodeResult TryDecodeFrame(int frameIndex, byte[]? reusableBuffer)
    {
        if (frameIndex < 0 || frameIndex >= NumberOfFrames)
        {
            throw new ArgumentOutOfRangeException(nameof(frameIndex), $"Frame {frameIndex} is not in 0..{NumberOfFrames - 1}.");
        }

        IPixelCodec? codec = null;
        if (IsEncapsulated)
        {
            codec = _codecs.Find(TransferSyntax.Uid);
            if (codec is null)
            {
                return PixelDecodeResult.NotDecodable(PixelDecodeFailure.NoCodec, $"No decoder for transfer syntax {TransferSyntax.Name} ({TransferSyntax.Uid})");
            }

            if (!codec.IsAvailable)
            {
                return PixelDecodeResult.NotDecodable(
                    PixelDecodeFailure.CodecUnavailable,
                    $"The decoder for {TransferSyntax.Name} ({TransferSyntax.Uid}) cannot run here: {codec.UnavailableReason ?? "unavailable"}");
            }
        }

        try
        {
            if (codec is null)
            {
                var into = reusableBuffer is not null && reusableBuffer.Length == ReusableFrameLength ? reusableBuffer : null;
                var native = NativeFrameReader.ReadFrame((DicomElement)_pixels, Info, frameIndex, TransferSyntax.IsBigEndian, into);
                return PixelDecodeResult.Decoded(NativePixelDecoder.Decode(native, Info)); // our own buffer: decoded in place
            }

            var bytes = GetFrameBytes(frameIndex);
            var decoded = codec.Decode(bytes.Span, Info);
            var decodedInfo = Info with
            {
                BitsAllocated = decoded.BitsAllocated,
                BitsStored = Math.Min(Info.BitsStored, decoded.BitsAllocated),
                HighBit = Math.Min(Info.HighBit, decoded.BitsAllocated - 1),
                PlanarConfiguration = decoded.PlanarConfiguration,
                PhotometricInterpretation = decoded.PhotometricInterpretation,
            };
            return PixelDecodeResult.Decoded(NativePixelDecoder.Decode(decoded.Data, decodedInfo)); // the codec's buffer is reused
        }
        catch (PixelDecodeException ex)
        {
            return PixelDecodeResult.NotDecodable(ex.Failure, $"Frame {frameIndex + 1}: {ex.Message}");
        }
        catch (DicomFormatException ex)
        {
            return PixelDecodeResult.NotDecodable(PixelDecodeFailure.Corrupt, $"Frame {frameIndex + 1}: {ex.Message}");
        }
    }

    /// <summary>Decodes one frame; throws <see cref="PixelDecodeException"/> when it cannot.</summary>
    public PixelFrame DecodeFrame(int frameIndex) => TryDecodeFrame(frameIndex).GetFrameOrThrow();
}
