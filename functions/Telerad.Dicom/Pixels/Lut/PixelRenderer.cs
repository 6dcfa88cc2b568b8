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
        if (TableIndex(frame) is { } index && (long)frame.SampleCount * 4 >= index.Size)
        {
            voi ??= RangeOf(frame, modality, index);
            var table = new byte[index.Size];
            for (var i = 0; i < table.Length; i++)
            {
                table[i] = ToByte(voi.Apply(modality.Apply(index.ValueAt(i))), invert);
            }

            Gather(frame, table, output.AsSpan());
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

    private static VoiLut RangeOf(PixelFrame frame, ModalityLut modality, TableIndexing index)
    {
        // Only values present in the frame count: mark them, then map the extremes.
        var present = new bool[index.Size];
        if (index.Size == 256)
        {
            foreach (var b in frame.Data)
            {
                present[b] = true;
            }
        }
        else
        {
            foreach (var w in MemoryMarshal.Cast<byte, ushort>(frame.Data.AsSpan()))
            {
                present[w] = true;
            }
        }

        double min = double.MaxValue, max = double.MinValue;
        for (var i = 0; i < present.Length; i++)
        {
            if (present[i])
            {
                var v = modality.Apply(index.ValueAt(i));
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
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
    private static void WindowLinear(ReadOnlySpan<float> values, VoiLut voi, bool invert, Span<byte> output)
    {
        double a, b;
        if (voi.Function == VoiFunction.LinearExact)
        {
            a = 255 / voi.Width;
            b = ((-voi.Center / voi.Width) + 0.5) * 255;
        }
        else
        {
            a = 255 / (voi.Width - 1);
            b = ((-(voi.Center - 0.5) / (voi.Width - 1)) + 0.5) * 255;
        }

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
