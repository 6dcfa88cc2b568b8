using System.Collections;
using System.Runtime.InteropServices;

namespace Telerad.Dicom;

/// <summary>
/// A data set: items kept in ascending tag order (PS3.5 7.1). Elements usually arrive in order, so
/// adding is an append; lookups are binary searches. Items of a sequence know their parent data set,
/// which is where they inherit the Specific Character Set from (PS3.5 7.5.3).
/// </summary>
public sealed partial class DicomDataset : IEnumerable<DicomItem>
{
    private readonly List<DicomItem> _items;
    private DicomCharacterSet? _characterSet;

    public DicomDataset()
    {
        _items = [];
    }

    public DicomDataset(IEnumerable<DicomItem> items)
        : this()
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            Set(item);
        }
    }

    /// <summary>The data set that holds the sequence this data set is an item of; null at top level.</summary>
    public DicomDataset? Parent { get; internal set; }

    public int Count => _items.Count;

    /// <summary>The character set for this data set's text: its own (0008,0005), else its parent's, else the default repertoire.</summary>
    public DicomCharacterSet CharacterSet
    {
        get
        {
            if (_characterSet is not null)
            {
                return _characterSet;
            }

            if (TryGetElement(DicomTags.SpecificCharacterSet, out var element))
            {
                _characterSet = DicomCharacterSet.FromSpecificCharacterSet(DicomText.SplitValues(DicomText.DecodeAscii(element.Value.GetMemory().Span), DicomVR.CS));
                return _characterSet;
            }

            return Parent?.CharacterSet ?? DicomCharacterSet.Default;
        }
    }

    public bool Contains(DicomTag tag) => IndexOf(tag) >= 0;

    public DicomItem? this[DicomTag tag] => TryGet(tag, out var item) ? item : null;

    public bool TryGet(DicomTag tag, out DicomItem item)
    {
        var index = IndexOf(tag);
        item = index >= 0 ? _items[index] : null!;
        return index >= 0;
    }

    public bool TryGetElement(DicomTag tag, out DicomElement element)
    {
        element = null!;
        if (TryGet(tag, out var item) && item is DicomElement e)
        {
            element = e;
            return true;
        }

        return false;
    }

    /// <summary>Adds or replaces the item with the same tag.</summary>
    public DicomDataset Set(DicomItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item is DicomSequence sequence)
        {
            sequence.Owner = this;
            sequence.Items.Reparent(this);
        }

        if (item.Tag == DicomTags.SpecificCharacterSet)
        {
            _characterSet = null;
        }

        var count = _items.Count;
        if (count == 0 || _items[count - 1].Tag < item.Tag)
        {
            _items.Add(item);
            return this;
        }

        var index = IndexOf(item.Tag);
        if (index >= 0)
        {
            _items[index] = item;
        }
        else
        {
            _items.Insert(~index, item);
        }

        return this;
    }

    /// <summary>Appends an item read from a stream. Out-of-order tags are still placed in order.</summary>
    internal void AddRead(DicomItem item) => Set(item);

    public bool Remove(DicomTag tag)
    {
        var index = IndexOf(tag);
        if (index < 0)
        {
            return false;
        }

        if (_items[index].Tag == DicomTags.SpecificCharacterSet)
        {
            _characterSet = null;
        }

        _items.RemoveAt(index);
        return true;
    }

    /// <summary>Removes every top-level item that matches; returns how many went.</summary>
    public int RemoveAll(Func<DicomItem, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var removed = _items.RemoveAll(i => predicate(i));
        if (removed > 0)
        {
            _characterSet = null;
        }

        return removed;
    }

    /// <summary>Items with tags in [first, last], in order.</summary>
    public IEnumerable<DicomItem> Range(DicomTag first, DicomTag last)
    {
        var start = IndexOf(first);
        if (start < 0)
        {
            start = ~start;
        }

        for (var i = start; i < _items.Count && _items[i].Tag <= last; i++)
        {
            yield return _items[i];
        }
    }

    public IEnumerator<DicomItem> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A deep copy of the structure; values are immutable and shared.</summary>
    public DicomDataset Clone()
    {
        var copy = new DicomDataset();
        foreach (var item in _items)
        {
            copy._items.Add(item is DicomSequence s ? CloneSequence(s, copy) : item);
        }

        return copy;
    }

    private static DicomSequence CloneSequence(DicomSequence sequence, DicomDataset owner)
    {
        var clone = new DicomSequence(sequence.Tag) { WasUnknownVR = sequence.WasUnknownVR, Owner = owner };
        foreach (var item in sequence.Items)
        {
            clone.Items.Add(item.Clone());
        }

        return clone;
    }

    private int IndexOf(DicomTag tag)
    {
        var span = CollectionsMarshal.AsSpan(_items);
        int lo = 0, hi = span.Length - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var value = span[mid].Tag.Value;
            if (value == tag.Value)
            {
                return mid;
            }

            if (value < tag.Value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
