using System.Runtime.InteropServices;

namespace Telerad.Dicom;

/// <summary>The type of one decoded sample.</summary>
public enum PixelSampleType
{
    UInt8,
    Int8,
    UInt16,
    Int16,
    UInt32,
    Int32,
    Float32,
    Float64,
}

/// <summary>
/// One decoded frame: samples of one type, interleaved (R1 G1 B1 R2 ...), little endian in memory, already
/// masked to Bits Stored and sign-extended for signed data. 1-bit data is one 0/1 byte per sample.
/// </summary>
public sealed class PixelFrame
{
    public PixelFrame(int rows, int columns, int samplesPerPixel, PixelSampleType sampleType, int bitsStored, string photometricInterpretation, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(photometricInterpretation);
        ArgumentNullException.ThrowIfNull(data);
        var expected = (long)rows * columns * samplesPerPixel * SizeOf(sampleType);
        if (data.Length != expected)
        {
            throw new ArgumentException($"A {rows}x{columns}x{samplesPerPixel} {sampleType} frame needs {expected} bytes, not {data.Length}.", nameof(data));
        }

        Rows = rows;
        Columns = columns;
        SamplesPerPixel = samplesPerPixel;
        SampleType = sampleType;
        BitsStored = bitsStored;
        PhotometricInterpretation = photometricInterpretation;
        Data = data;
    }

    public int Rows { get; }

    public int Columns { get; }

    public int SamplesPerPixel { get; }

    public PixelSampleType SampleType { get; }

    /// <summary>Significant bits of each sample (1 for bitmaps, 32/64 for floats).</summary>
    public int BitsStored { get; }

    /// <summary>The photometric interpretation of the decoded samples (e.g. RGB after a JPEG codec converted YBR).</summary>
    public string PhotometricInterpretation { get; }

    /// <summary>The samples' bytes (little endian).</summary>
    public byte[] Data { get; }

    public int PixelCount => Rows * Columns;

    public int SampleCount => Rows * Columns * SamplesPerPixel;

    public bool IsSigned => SampleType is PixelSampleType.Int8 or PixelSampleType.Int16 or PixelSampleType.Int32;

    public bool IsFloatingPoint => SampleType is PixelSampleType.Float32 or PixelSampleType.Float64;

    /// <summary>The samples as <typeparamref name="T"/>, which must have the sample type's size (e.g. short or ushort for 16-bit).</summary>
    public Span<T> GetSamples<T>()
        where T : unmanaged
    {
        if (Marshal.SizeOf<T>() != SizeOf(SampleType))
        {
            throw new InvalidOperationException($"Samples are {SampleType}; {typeof(T).Name} has another size.");
        }

        return MemoryMarshal.Cast<byte, T>(Data.AsSpan());
    }

    /// <summary>One sample as a double (slow; for tests and tools, not for loops over frames).</summary>
    public double GetSample(int index)
    {
        var d = Data.AsSpan();
        return SampleType switch
        {
            PixelSampleType.UInt8 => d[index],
            PixelSampleType.Int8 => (sbyte)d[index],
            PixelSampleType.UInt16 => MemoryMarshal.Cast<byte, ushort>(d)[index],
            PixelSampleType.Int16 => MemoryMarshal.Cast<byte, short>(d)[index],
            PixelSampleType.UInt32 => MemoryMarshal.Cast<byte, uint>(d)[index],
            PixelSampleType.Int32 => MemoryMarshal.Cast<byte, int>(d)[index],
            PixelSampleType.Float32 => MemoryMarshal.Cast<byte, float>(d)[index],
            _ => MemoryMarshal.Cast<byte, double>(d)[index],
        };
    }

    public static int SizeOf(PixelSampleType type) => type switch
    {
        PixelSampleType.UInt8 or PixelSampleType.Int8 => 1,
        PixelSampleType.UInt16 or PixelSampleType.Int16 => 2,
        PixelSampleType.UInt32 or PixelSampleType.Int32 or PixelSampleType.Float32 => 4,
        _ => 8,
    };
}
