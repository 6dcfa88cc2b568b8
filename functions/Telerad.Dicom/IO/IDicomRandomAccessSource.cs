namespace Telerad.Dicom;

/// <summary>Bytes that can be read at any offset, concurrently: a file, a seekable blob stream, a spill file.</summary>
public interface IDicomRandomAccessSource
{
    long Length { get; }

    /// <summary>Reads exactly destination.Length bytes at <paramref name="offset"/> or throws <see cref="DicomFormatException"/>.</summary>
    void ReadExactly(long offset, Span<byte> destination);
}
