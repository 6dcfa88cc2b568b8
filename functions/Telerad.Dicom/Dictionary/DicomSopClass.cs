using System.Collections.Frozen;

namespace Telerad.Dicom;

/// <summary>A SOP class of PS3.4 and the IOD its instances follow.</summary>
public sealed partial class DicomSopClass
{
    private static readonly Lazy<FrozenDictionary<string, DicomSopClass>> ByUid =
        new(() => All.GroupBy(s => s.Uid, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal));

    private DicomSopClass(string uid, string name, string iod)
    {
        Uid = uid;
        Name = name;
        Iod = iod;
    }

    public string Uid { get; }

    public string Name { get; }

    /// <summary>The composite IOD name, e.g. "CT Image".</summary>
    public string Iod { get; }

    public static DicomSopClass? Find(string? uid) =>
        uid is not null && ByUid.Value.TryGetValue(uid.TrimEnd('\0', ' '), out var sop) ? sop : null;

    public override string ToString() => $"{Name} ({Uid})";
}
