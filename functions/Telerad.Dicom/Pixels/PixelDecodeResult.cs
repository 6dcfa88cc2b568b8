namespace Telerad.Dicom;

/// <summary>The outcome of decoding one frame: the frame, or why it could not be decoded (no exception needed).</summary>
public sealed class PixelDecodeResult
{
    private PixelDecodeResult(PixelFrame? frame, PixelDecodeFailure failure, string? reason)
    {
        Frame = frame;
        Failure = failure;
        Reason = reason;
    }

    public bool Success => Frame is not null;

    public PixelFrame? Frame { get; }

    /// <summary>Meaningful only when <see cref="Success"/> is false.</summary>
    public PixelDecodeFailure Failure { get; }

    /// <summary>Why decoding failed (no patient data: tags, syntaxes, counts and reasons only).</summary>
    public string? Reason { get; }

    public static PixelDecodeResult Decoded(PixelFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return new PixelDecodeResult(frame, default, null);
    }

    public static PixelDecodeResult NotDecodable(PixelDecodeFailure failure, string reason) => new(null, failure, reason);

    /// <summary>The frame, or a <see cref="PixelDecodeException"/> with the reason.</summary>
    public PixelFrame GetFrameOrThrow() => Frame ?? throw new PixelDecodeException(Reason ?? "The frame could not be decoded.", Failure);

    public override string ToString() => Success ? $"decoded {Frame!.Rows}x{Frame.Columns}" : $"{Failure}: {Reason}";
}
