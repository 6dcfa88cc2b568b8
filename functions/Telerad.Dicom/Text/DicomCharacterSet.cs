using System.Text;

namespace Telerad.Dicom;

/// <summary>
/// Decodes text under a Specific Character Set (0008,0005). PLACEHOLDER: default repertoire, Latin-1
/// and UTF-8 only; the full implementation (ISO 2022 code extensions) replaces this file.
/// </summary>
public sealed class DicomCharacterSet
{
    private readonly Encoding _encoding;

    private DicomCharacterSet(IReadOnlyList<string> terms, Encoding encoding)
    {
        Terms = terms;
        _encoding = encoding;
    }

    public static DicomCharacterSet Default { get; } = new([], Encoding.Latin1);

    public IReadOnlyList<string> Terms { get; }

    public static DicomCharacterSet FromSpecificCharacterSet(IReadOnlyList<string> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var first = terms.Count > 0 ? terms[0] : string.Empty;
        return first == "ISO_IR 192" ? new DicomCharacterSet(terms, Encoding.UTF8) : new DicomCharacterSet(terms, Encoding.Latin1);
    }

    public string Decode(ReadOnlySpan<byte> bytes, DicomVR vr) => _encoding.GetString(bytes);

    public byte[] Encode(string text) => _encoding.GetBytes(text);
}
