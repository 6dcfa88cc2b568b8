using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Telerad.Dicom;

/// <summary>Maps transfer syntax UIDs to the codecs that decode them.</summary>
public sealed class PixelCodecRegistry
{
    private readonly FrozenDictionary<string, IPixelCodec> _byUid;

    public PixelCodecRegistry(IEnumerable<IPixelCodec> codecs)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        Codecs = [.. codecs];
        var map = new Dictionary<string, IPixelCodec>(StringComparer.Ordinal);
        foreach (var codec in Codecs)
        {
            foreach (var uid in codec.TransferSyntaxUids)
            {
                map.TryAdd(uid, codec); // the first codec named for a syntax wins
            }
        }

        _byUid = map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// Every codec of this library: each class of this assembly implementing <see cref="IPixelCodec"/> with a
    /// parameterless constructor (RLE, JPEG, and the JPEG 2000 / JPEG-LS codecs), so a new codec needs no
    /// registration edit.
    /// </summary>
    public static PixelCodecRegistry Default { get; } = new(DiscoverCodecs());

    public IReadOnlyList<IPixelCodec> Codecs { get; }

    public IPixelCodec? Find(string transferSyntaxUid)
    {
        ArgumentNullException.ThrowIfNull(transferSyntaxUid);
        return _byUid.GetValueOrDefault(transferSyntaxUid.TrimEnd('\0', ' '));
    }

    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Codec types live in this assembly and are always kept.")]
    private static List<IPixelCodec> DiscoverCodecs() =>
        typeof(IPixelCodec).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false } && typeof(IPixelCodec).IsAssignableFrom(t)
                && t.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (IPixelCodec)Activator.CreateInstance(t, nonPublic: true)!)
            .ToList();
}
