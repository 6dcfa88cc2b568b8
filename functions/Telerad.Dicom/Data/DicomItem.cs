namespace Telerad.Dicom;

/// <summary>An entry of a data set: a primitive element, a sequence, or encapsulated pixel data.</summary>
public abstract class DicomItem(DicomTag tag, DicomVR vr)
{
    public DicomTag Tag { get; } = tag;

    public DicomVR VR { get; } = vr;

    /// <summary>Value length as it would be encoded (undefined-length sequences report -1).</summary>
    public abstract long Length { get; }

    public override string ToString() => $"{Tag} {DicomVRInfo.ToCode(VR)}";
}

/// <summary>A data element with a primitive value (everything but SQ and encapsulated pixel data).</summary>
public sealed class DicomElement : DicomItem
{
    public DicomElement(DicomTag tag, DicomVR vr, DicomValue value)
        : base(tag, vr)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (vr == DicomVR.SQ)
        {
            throw new ArgumentException("Use DicomSequence for SQ elements.", nameof(vr));
        }

        Value = value;
    }

    public DicomElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> bytes)
        : this(tag, vr, DicomValue.FromBytes(bytes))
    {
    }

    public DicomValue Value { get; }

    public override long Length => Value.Length;
}

/// <summary>A sequence of items, each a nested data set.</summary>
public sealed class DicomSequence : DicomItem
{
    public DicomSequence(DicomTag tag, IEnumerable<DicomDataset>? items = null)
        : base(tag, DicomVR.SQ)
    {
        Items = new DicomSequenceItems(this);
        if (items is not null)
        {
            foreach (var item in items)
            {
                Items.Add(item);
            }
        }
    }

    /// <summary>The items; adding one makes this sequence's owner its parent (for character set inheritance).</summary>
    public DicomSequenceItems Items { get; }

    /// <summary>
    /// True when the element arrived as UN with undefined length and was read as an implicit VR LE
    /// sequence (PS3.5 6.2.2 note, CP-246). The writer encodes it as SQ.
    /// </summary>
    public bool WasUnknownVR { get; init; }

    public override long Length => -1;

    internal DicomDataset? Owner { get; set; }
}

/// <summary>Items of a sequence; keeps each item's parent pointer right.</summary>
public sealed class DicomSequenceItems(DicomSequence sequence) : System.Collections.ObjectModel.Collection<DicomDataset>
{
    protected override void InsertItem(int index, DicomDataset item)
    {
        ArgumentNullException.ThrowIfNull(item);
        item.Parent = sequence.Owner;
        base.InsertItem(index, item);
    }

    protected override void SetItem(int index, DicomDataset item)
    {
        ArgumentNullException.ThrowIfNull(item);
        item.Parent = sequence.Owner;
        base.SetItem(index, item);
    }

    internal void Reparent(DicomDataset? owner)
    {
        foreach (var item in this)
        {
            item.Parent = owner;
        }
    }
}

/// <summary>
/// Encapsulated Pixel Data (PS3.5 A.4): a Basic Offset Table item followed by fragments, kept as they
/// were read (compressed bytes are never decoded here).
/// </summary>
public sealed class DicomFragmentSequence : DicomItem
{
    public DicomFragmentSequence(DicomTag tag, DicomVR vr, DicomValue offsetTable, IEnumerable<DicomValue> fragments)
        : base(tag, vr)
    {
        ArgumentNullException.ThrowIfNull(offsetTable);
        ArgumentNullException.ThrowIfNull(fragments);
        OffsetTable = offsetTable;
        Fragments = [.. fragments];
    }

    /// <summary>The Basic Offset Table item's value (often empty).</summary>
    public DicomValue OffsetTable { get; }

    public IReadOnlyList<DicomValue> Fragments { get; }

    public override long Length => -1;

    /// <summary>Basic Offset Table entries: byte offsets of each frame's first fragment, relative to the first fragment item.</summary>
    public IReadOnlyList<uint> GetBasicOffsets()
    {
        var bytes = OffsetTable.GetMemory(1 << 26).Span;
        var offsets = new uint[bytes.Length / 4];
        for (var i = 0; i < offsets.Length; i++)
        {
            offsets[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[(i * 4)..]);
        }

        return offsets;
    }
}
