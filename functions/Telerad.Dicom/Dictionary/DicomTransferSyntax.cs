using System.Collections.Frozen;

namespace Telerad.Dicom;

/// <summary>A transfer syntax of PS3.6 Table A-1 with the encoding rules of PS3.5 Section 10.</summary>
public sealed partial class DicomTransferSyntax
{
    private static readonly Lazy<FrozenDictionary<string, DicomTransferSyntax>> ByUid =
        new(() => All.ToFrozenDictionary(t => t.Uid, StringComparer.Ordinal));

    private DicomTransferSyntax(string uid, string name, bool isRetired, bool isExplicitVR, bool isBigEndian, bool isDeflated, bool isEncapsulated, bool isLossy)
    {
        Uid = uid;
        Name = name;
        IsRetired = isRetired;
        IsExplicitVR = isExplicitVR;
        IsBigEndian = isBigEndian;
        IsDeflated = isDeflated;
        IsEncapsulated = isEncapsulated;
        IsLossy = isLossy;
    }

    public string Uid { get; }

    public string Name { get; }

    public bool IsRetired { get; }

    public bool IsExplicitVR { get; }

    public bool IsBigEndian { get; }

    /// <summary>The data set after the file meta is a raw deflate stream (RFC 1951).</summary>
    public bool IsDeflated { get; }

    /// <summary>Pixel Data is a sequence of fragments (PS3.5 A.4), not native samples.</summary>
    public bool IsEncapsulated { get; }

    public bool IsLossy { get; }

    /// <summary>The three syntaxes whose data sets this library can write (plus deflate of the explicit LE one).</summary>
    public bool IsUncompressed => !IsEncapsulated;

    /// <summary>Finds a known syntax; unknown UIDs yield a private syntax assumed to be Explicit VR LE encapsulated,
    /// which is what every vendor-specific compressed syntax in practice is.</summary>
    public static DicomTransferSyntax FromUid(string uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        var trimmed = uid.TrimEnd('\0', ' ');
        return ByUid.Value.TryGetValue(trimmed, out var known)
            ? known
            : new DicomTransferSyntax(trimmed, "Unknown transfer syntax", false, true, false, false, true, true);
    }

    public static bool IsKnown(string uid) => ByUid.Value.ContainsKey(uid.TrimEnd('\0', ' '));

    public override string ToString() => $"{Name} ({Uid})";
}
