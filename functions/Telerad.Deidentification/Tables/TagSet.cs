namespace Telerad.Deidentification;

/// <summary>
/// A fixed set of tags, searched by binary search over their sorted 32-bit values. The engine's tag sets are
/// built at every process start; HashSet and FrozenSet over the DicomTag struct are generic code that
/// ReadyToRun cannot precompile across assemblies, so each cost more to compile at start-up than all lookups
/// of a few hundred files.
/// </summary>
internal sealed class TagSet
{
    private readonly uint[] _sorted;

    public TagSet(params DicomTag[] tags)
    {
        _sorted = new uint[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            _sorted[i] = tags[i].Value;
        }

        Array.Sort(_sorted);
    }

    public int Count => _sorted.Length;

    /// <summary>The tags in ascending order.</summary>
    public IEnumerable<DicomTag> Tags => _sorted.Select(v => new DicomTag(v));

    public bool Contains(DicomTag tag) => IndexOf(_sorted, tag.Value) >= 0;

    /// <summary>The index of <paramref name="value"/> in an ascending array, or -1 (a plain binary search).</summary>
    public static int IndexOf(uint[] sorted, uint value)
    {
        int low = 0, high = sorted.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var at = sorted[middle];
            if (at == value)
            {
                return middle;
            }

            if (at < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }
}
