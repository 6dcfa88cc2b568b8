using System.Numerics;
using System.Runtime.InteropServices;

namespace Telerad.Dicom;

/// <summary>
/// Grey-scale frames to model input and to screens: stored values through the Modality LUT to float modality
/// values (e.g. HU), and through Modality + VOI LUT to 8-bit display values, MONOCHROME1 inverted (PS3.3
/// C.7.6.3.1.2). Linear transforms are vectorised; integer frames of up to 16 bits go through one lookup table
/// built per call, so any LUT or window function costs one table read per sample.
/// </summary>
public static class PixelRenderer
{
    /// <summary>Modality values of a single-sample frame.</summary>
    public static float[] ToModalityValues(PixelFrame frame, ModalityLut modality)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var values = new float[frame.SampleCount];
        ToModalityValues(frame, modality, values);
        return values;
    }

    public static void ToModalityValues(PixelFrame frame, ModalityLut modality, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(modality);
        RequireGrey(frame);
        if (destination.Length < frame.SampleCount)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; the frame has {frame.SampleCount}.", nameof(destination));
        }

        destination = destination[..frame.SampleCount];
        if (modality.Table is null)
        {
            Linear(frame, (float)modality.Slope, (float)modality.Intercept, destination);
            return;
        }

        if (TableIndex(frame) is { } index)
        {
            var table = new float[index.Size];
            for (var i = 0; i < table.Length; i++)
            {
                table[i] = (float)modality.Apply(index.ValueAt(i));
            }

            Gather(frame, table, destination);
            return;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)modality.Apply(frame.GetSample(i));
        }
    }

    /// <summary>
    /// 8-bit display values of a single-sample frame. Without a VOI the window spans the frame's modality values
    /// (minimum to black, maximum to white).
    /// </summary>
    public static byte[] ToDisplay8(PixelFrame frame, ModalityLut modality, VoiLut? voi)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(modality);
        RequireGrey(frame);
        var invert = frame.PhotometricInterpretation == "MONOCHROME1";
        var output = new byte[frame.SampleCount];
        var linear = modality.Table is null && voi is { Table: null, Function: not VoiFunction.Sigmoid };
        if (linear && frame.SampleType is PixelSampleType.Int16 or PixelSampleType.UInt16 && Vector.IsHardwareAccelerated)
        {
            var (a, b) = WindowAffine(voi!);
            FusedLinear16(frame, (float)(modality.Slope * a), (float)((modality.Intercept * a) + b + 0.5), invert, output);
            return output;
        }

        if (!linear && SampleRange(frame) is { } range)
        {
            // One table over the stored values present: any LUT or window function costs one lookup per sample.
            var table = new byte[range.Max - range.Min + 1];
            voi ??= RangeOf(modality, range);
            for (var i = 0; i < table.Length; i++)
            {
                table[i] = ToByte(voi.Apply(modality.Apply(range.Min + i)), invert);
            }

            Gather(frame, table, range.Min, output);
            return output;
        }

        var values = ToModalityValues(frame, modality);
        if (voi is null)
        {
            var (min, max) = MinMax(values);
            voi = VoiLut.FromRange(min, max);
        }

        if (voi.Table is null && voi.Function != VoiFunction.Sigmoid)
        {
            WindowLinear(values, voi, invert, output);
            return output;
        }

        for (var i = 0; i < values.Length; i++)
        {
            output[i] = ToByte(voi.Apply(values[i]), invert);
        }

        return output;
    }

    private static byte ToByte(double y, bool invert)
    {
        var v = (int)Math.Clamp(Math.Floor(y + 0.5), 0, 255);
        return (byte)(invert ? 255 - v : v);
    }

    private static void RequireGrey(PixelFrame frame)
    {
        if (frame.SamplesPerPixel != 1)
        {
            throw new ArgumentException($"Modality and VOI LUTs apply to single-sample (grey-scale) frames, not {frame.PhotometricInterpretation}.", nameof(frame));
        }
    }

    /// <summary>Lookup-table indexing for 8- and 16-bit samples: the sample's bits as an unsigned index.</summary>
    private readonly record struct TableIndexing(int Size, bool Signed)
    {
        public int ValueAt(int index) => Size == 256
            ? (Signed ? (sbyte)index : index)
            : (Signed ? (short)index : index);
    }

    private static TableIndexing? TableIndex(PixelFrame frame) => frame.SampleType switch
    {
        PixelSampleType.UInt8 => new TableIndexing(256, false),
        PixelSampleType.Int8 => new TableIndexing(256, true),
        PixelSampleType.UInt16 => new TableIndexing(65536, false),
        PixelSampleType.Int16 => new TableIndexing(65536, true),
        _ => null,
    };

    private static void Gather<T>(PixelFrame frame, T[] table, Span<T> destination)
    {
        if (frame.SampleType is PixelSampleType.UInt8 or PixelSampleType.Int8)
        {
            var bytes = frame.Data.AsSpan();
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = table[bytes[i]];
            }

            return;
        }

        var words = MemoryMarshal.Cast<byte, ushort>(frame.Data.AsSpan());
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = table[words[i]];
        }
    }

    /// <summary>Smallest and largest stored value of an 8- or 16-bit frame; null for other sample types.</summary>
    private static (int Min, int Max)? SampleRange(PixelFrame frame)
    {
        int min = int.MaxValue, max = int.MinValue;
        switch (frame.SampleType)
        {
            case PixelSampleType.UInt8:
                foreach (var v in frame.Data)
                {
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }

                break;
            case PixelSampleType.Int8:
                foreach (var v in MemoryMarshal.Cast<byte, sbyte>(frame.Data.AsSpan()))
                {
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }

                break;
            case PixelSampleType.UInt16:
                {
                    var words = MemoryMarshal.Cast<byte, ushort>(frame.Data.AsSpan());
                    var (lo, hi) = MinMaxVector(words);
                    (min, max) = (lo, hi);
                    break;
                }

            case PixelSampleType.Int16:
                {
                    var words = MemoryMarshal.Cast<byte, short>(frame.Data.AsSpan());
                    var (lo, hi) = MinMaxVector(words);
                    (min, max) = (lo, hi);
                    break;
                }

            default:
                return null;
        }

        return frame.SampleCount == 0 ? (0, 0) : (min, max);
    }

    private static (int Min, int Max) MinMaxVector<T>(ReadOnlySpan<T> values)
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        var i = 0;
        T min = T.MaxValue, max = T.MinValue;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<T>.Count)
        {
            var vectors = MemoryMarshal.Cast<T, Vector<T>>(values);
            var vmin = new Vector<T>(T.MaxValue);
            var vmax = new Vector<T>(T.MinValue);
            foreach (var v in vectors)
            {
                vmin = Vector.Min(vmin, v);
                vmax = Vector.Max(vmax, v);
            }

            for (var k = 0; k < Vector<T>.Count; k++)
            {
                min = T.Min(min, vmin[k]);
                max = T.Max(max, vmax[k]);
            }

            i = vectors.Length * Vector<T>.Count;
        }

        for (; i < values.Length; i++)
        {
            min = T.Min(min, values[i]);
            max = T.Max(max, values[i]);
        }

        return (int.CreateTruncating(min), int.CreateTruncating(max));
    }

    /// <summary>destination[i] = table[sample[i] - offset] for 8- and 16-bit frames.</summary>
    private static void Gather(PixelFrame frame, byte[] table, int offset, Span<byte> destination)
    {
        var data = frame.Data.AsSpan();
        switch (frame.SampleType)
        {
            case PixelSampleType.UInt8:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = table[data[i] - offset];
                }

                break;
            case PixelSampleType.Int8:
                var signedBytes = MemoryMarshal.Cast<byte, sbyte>(data);
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = table[signedBytes[i] - offset];
                }

                break;
            case PixelSampleType.UInt16:
                var words = MemoryMarshal.Cast<byte, ushort>(data);
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = table[words[i] - offset];
                }

                break;
            default:
                var signedWords = MemoryMarshal.Cast<byte, short>(data);
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = table[signedWords[i] - offset];
                }

                break;
        }
    }

    private static VoiLut RangeOf(ModalityLut modality, (int Min, int Max) range)
    {
        // A LUT need not be monotonic: take the extremes over every stored value present in the range.
        double min = double.MaxValue, max = double.MinValue;
        for (var v = range.Min; v <= range.Max; v++)
        {
            var m = modality.Apply(v);
            min = Math.Min(min, m);
            max = Math.Max(max, m);
        }

        return VoiLut.FromRange(min, max);
    }

    private static (float Min, float Max) MinMax(ReadOnlySpan<float> values)
    {
        float min = float.MaxValue, max = float.MinValue;
        foreach (var v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return values.IsEmpty ? (0, 0) : (min, max);
    }

    /// <summary>y = x * slope + intercept, vectorised for 8/16-bit samples.</summary>
    private static void Linear(PixelFrame frame, float slope, float intercept, Span<float> destination)
    {
        var data = frame.Data.AsSpan();
        var i = 0;
        switch (frame.SampleType)
        {
            case PixelSampleType.Int16:
                {
                    var source = MemoryMarshal.Cast<byte, short>(data);
                    if (Vector.IsHardwareAccelerated)
                    {
                        var vs = new Vector<float>(slope);
                        var vi = new Vector<float>(intercept);
                        var words = MemoryMarshal.Cast<short, Vector<short>>(source);
                        var output = MemoryMarshal.Cast<float, Vector<float>>(destination);
                        for (var v = 0; v < words.Length; v++)
                        {
                            Vector.Widen(words[v], out var low, out var high);
                            output[2 * v] = (Vector.ConvertToSingle(low) * vs) + vi;
                            output[(2 * v) + 1] = (Vector.ConvertToSingle(high) * vs) + vi;
                        }

                        i = words.Length * Vector<short>.Count;
                    }

                    for (; i < destination.Length; i++)
                    {
                        destination[i] = (source[i] * slope) + intercept;
                    }

                    return;
                }

            case PixelSampleType.UInt16:
                {
                    var source = MemoryMarshal.Cast<byte, ushort>(data);
                    if (Vector.IsHardwareAccelerated)
                    {
                        var vs = new Vector<float>(slope);
                        var vi = new Vector<float>(intercept);
                        var words = MemoryMarshal.Cast<ushort, Vector<ushort>>(source);
                        var output = MemoryMarshal.Cast<float, Vector<float>>(destination);
                        for (var v = 0; v < words.Length; v++)
                        {
                            Vector.Widen(words[v], out var low, out var high);
                            output[2 * v] = (Vector.ConvertToSingle(Vector.AsVectorInt32(low)) * vs) + vi;
                            output[(2 * v) + 1] = (Vector.ConvertToSingle(Vector.AsVectorInt32(high)) * vs) + vi;
                        }

                        i = words.Length * Vector<ushort>.Count;
                    }

                    for (; i < destination.Length; i++)
                    {
                        destination[i] = (source[i] * slope) + intercept;
                    }

                    return;
                }

            case PixelSampleType.UInt8:
                for (; i < destination.Length; i++)
                {
                    destination[i] = (data[i] * slope) + intercept;
                }

                return;
            case PixelSampleType.Float32:
                {
                    var source = MemoryMarshal.Cast<byte, float>(data);
                    for (; i < destination.Length; i++)
                    {
                        destination[i] = (source[i] * slope) + intercept;
                    }

                    return;
                }

            default:
                for (; i < destination.Length; i++)
                {
                    destination[i] = (float)((frame.GetSample(i) * slope) + intercept);
                }

                return;
        }
    }

    /// <summary>
    /// LINEAR and LINEAR_EXACT windows are an affine map clamped to [0, 255] (the clamp gives the flat parts of
    /// C.11.2.1.2.1 and C.11.2.1.3.2), so they vectorise: y = clamp(x * a + b), rounded half up.
    /// </summary>
    private static (double A, double B) WindowAffine(VoiLut voi) => voi.Function == VoiFunction.LinearExact
        ? (255 / voi.Width, ((-voi.Center / voi.Width) + 0.5) * 255)
        : (255 / (voi.Width - 1), ((-(voi.Center - 0.5) / (voi.Width - 1)) + 0.5) * 255);

    /// <summary>
    /// Rescale and a linear window fused into one affine map per sample, 16-bit in, 8-bit out, vectorised:
    /// widen to int, to float, multiply-add, clamp, truncate (b carries the +0.5 of rounding), narrow twice.
    /// </summary>
    private static void FusedLinear16(PixelFrame frame, float a, float b, bool invert, Span<byte> output)
    {
        var signed = frame.SampleType == PixelSampleType.Int16;
        var words = MemoryMarshal.Cast<byte, ushort>(frame.Data.AsSpan());
        var va = new Vector<float>(a);
        var vb = new Vector<float>(b);
        var zero = Vector<float>.Zero;
        var top = new Vector<float>(255);
        var white = new Vector<byte>(255);
        var chunk = Vector<byte>.Count;
        var blocks = words.Length / chunk;
        var wordVectors = MemoryMarshal.Cast<ushort, Vector<ushort>>(words);
        var outputVectors = MemoryMarshal.Cast<byte, Vector<byte>>(output);
        for (var v = 0; v < blocks; v++)
        {
            Vector<int> i0, i1, i2, i3;
            if (signed)
            {
                Vector.Widen(Vector.AsVectorInt16(wordVectors[2 * v]), out i0, out i1);
                Vector.Widen(Vector.AsVectorInt16(wordVectors[(2 * v) + 1]), out i2, out i3);
            }
            else
            {
                Vector.Widen(wordVectors[2 * v], out var u0, out var u1);
                Vector.Widen(wordVectors[(2 * v) + 1], out var u2, out var u3);
                (i0, i1, i2, i3) = (Vector.AsVectorInt32(u0), Vector.AsVectorInt32(u1), Vector.AsVectorInt32(u2), Vector.AsVectorInt32(u3));
            }

            var y0 = Vector.AsVectorUInt32(Vector.ConvertToInt32(Vector.Min(Vector.Max((Vector.ConvertToSingle(i0) * va) + vb, zero), top)));
            var y1 = Vector.AsVectorUInt32(Vector.ConvertToInt32(Vector.Min(Vector.Max((Vector.ConvertToSingle(i1) * va) + vb, zero), top)));
            var y2 = Vector.AsVectorUInt32(Vector.ConvertToInt32(Vector.Min(Vector.Max((Vector.ConvertToSingle(i2) * va) + vb, zero), top)));
            var y3 = Vector.AsVectorUInt32(Vector.ConvertToInt32(Vector.Min(Vector.Max((Vector.ConvertToSingle(i3) * va) + vb, zero), top)));
            var bytes = Vector.Narrow(Vector.Narrow(y0, y1), Vector.Narrow(y2, y3));
            outputVectors[v] = invert ? white - bytes : bytes;
        }

        for (var i = blocks * chunk; i < words.Length; i++)
        {
            int x = signed ? (short)words[i] : words[i];
            var y = (int)Math.Clamp((x * a) + b, 0, 255);
            output[i] = (byte)(invert ? 255 - y : y);
        }
    }

    private static void WindowLinear(ReadOnlySpan<float> values, VoiLut voi, bool invert, Span<byte> output)
    {
        var (a, b) = WindowAffine(voi);

        // The flat parts start at x <= lower bound (black) and x > upper bound (white); the affine map agrees there after clamping.
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<float>((float)a);
            var vb = new Vector<float>((float)(b + 0.5));
            var zero = Vector<float>.Zero;
            var top = new Vector<float>(255);
            var input = MemoryMarshal.Cast<float, Vector<float>>(values);
            Span<int> lanes = stackalloc int[Vector<int>.Count];
            for (var v = 0; v < input.Length; v++)
            {
                var y = Vector.ConvertToInt32(Vector.Min(Vector.Max((input[v] * va) + vb, zero), top));
                y.CopyTo(lanes);
                var at = v * Vector<float>.Count;
                for (var k = 0; k < lanes.Length; k++)
                {
                    output[at + k] = (byte)(invert ? 255 - lanes[k] : lanes[k]);
                }
            }

            i = input.Length * Vector<float>.Count;
        }

        for (; i < values.Length; i++)
        {
            var y = (int)Math.Clamp((values[i] * a) + b + 0.5, 0, 255);
            output[i] = (byte)(invert ? 255 - y : y);
        }
    }
}
