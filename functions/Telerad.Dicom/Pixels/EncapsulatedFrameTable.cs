using System.Buffers.Binary;

namespace Telerad.Dicom;

/// <summary>Which fragments hold one frame; <see cref="Length"/> trims the last byte count (Extended Offset Table), -1 for all.</summary>
internal readonly record struct FrameFragments(int First, int Count, long Length);

/// <summary>
/// Maps the frames of encapsulated Pixel Data to fragments (PS3.5 A.4): the Extended Offset Table if present,
/// else the Basic Offset Table, else one fragment per frame when the counts agree, else a split where a
/// fragment starts with a codestream's start marker, else (one frame) all fragments together.
/// </summary>
internal static class EncapsulatedFrameTable
{
    public static FrameFragments[] Build(DicomDataset dataset, DicomFragmentSequence pixels, int frames, DicomTransferSyntax syntax)
    {
        var fragments = pixels.Fragments;
        if (fragments.Count == 0)
        {
            throw Error("Encapsulated Pixel Data has no fragments");
        }

        // Offsets in both tables count from the first byte of the first fragment's Item tag (after the Basic Offset Table item).
        var positions = new long[fragments.Count + 1];
        for (var i = 0; i < fragments.Count; i++)
        {
            positions[i + 1] = positions[i] + 8 + fragments[i].Length;
        }

        if (dataset.TryGetElement(DicomTags.ExtendedOffsetTable, out var extended) && extended.Value.Length > 0)
        {
            return FromExtendedOffsetTable(dataset, extended, positions, frames);
        }

        var basic = pixels.GetBasicOffsets();
        if (basic.Count > 0 && basic.Count == frames)
        {
            var starts = new long[frames];
            for (var i = 0; i < frames; i++)
            {
                starts[i] = basic[i];
            }

            return FromStarts(starts, positions, "Basic Offset Table");
        }

        if (fragments.Count == frames)
        {
            return [.. Enumerable.Range(0, frames).Select(i => new FrameFragments(i, 1, -1))];
        }

        if (frames == 1)
        {
            return [new FrameFragments(0, fragments.Count, -1)];
        }

        if (frames > fragments.Count)
        {
            throw Error($"Number of Frames is {frames} but encapsulated Pixel Data has only {fragments.Count} fragments and no usable offset table");
        }

        var firsts = new List<int>();
        for (var i = 0; i < fragments.Count; i++)
        {
            if (StartsCodestream(fragments[i], syntax))
            {
                firsts.Add(i);
            }
        }

        if (firsts.Count != frames || firsts[0] != 0)
        {
            throw Error($"Cannot tell which of {fragments.Count} fragments belong to which of {frames} frames: no offset table, and {firsts.Count} fragments start a codestream");
        }

        var table = new FrameFragments[frames];
        for (var i = 0; i < frames; i++)
        {
            var end = i + 1 < frames ? firsts[i + 1] : fragments.Count;
            table[i] = new FrameFragments(firsts[i], end - firsts[i], -1);
        }

        return table;
    }

    private static FrameFragments[] FromExtendedOffsetTable(DicomDataset dataset, DicomElement offsetsElement, long[] positions, int frames)
    {
        var offsets = offsetsElement.Value.GetMemory(1 << 26).Span;
        var lengths = dataset.TryGetElement(DicomTags.ExtendedOffsetTableLengths, out var l) ? l.Value.GetMemory(1 << 26).Span : default;
        if (offsets.Length != frames * 8L || lengths.Length != frames * 8L)
        {
            throw Error($"Extended Offset Table (7FE0,0001) and its Lengths (7FE0,0002) must have {frames} entries each (found {offsets.Length / 8} and {lengths.Length / 8})");
        }

        var starts = new long[frames];
        for (var i = 0; i < frames; i++)
        {
            var start = BinaryPrimitives.ReadUInt64LittleEndian(offsets[(i * 8)..]);
            starts[i] = start > long.MaxValue ? -1 : (long)start;
        }

        var table = FromStarts(starts, positions, "Extended Offset Table");
        for (var i = 0; i < frames; i++)
        {
            var length = BinaryPrimitives.ReadUInt64LittleEndian(lengths[(i * 8)..]);
            var available = positions[table[i].First + table[i].Count] - positions[table[i].First] - (8L * table[i].Count);
            if (length > (ulong)available)
            {
                throw Error($"Extended Offset Table Lengths (7FE0,0002) gives frame {i + 1} {length} bytes; its fragments hold {available}");
            }

            table[i] = table[i] with { Length = (long)length };
        }

        return table;
    }

    /// <summary>Each start must be the position of a fragment; a frame runs to the next frame's first fragment.</summary>
    private static FrameFragments[] FromStarts(long[] starts, long[] positions, string tableName)
    {
        var fragmentCount = positions.Length - 1;
        var firsts = new int[starts.Length];
        for (var i = 0; i < starts.Length; i++)
        {
            var index = Array.BinarySearch(positions, 0, fragmentCount, starts[i]);
            if (index < 0 || (i > 0 && index <= firsts[i - 1]))
            {
                throw Error($"{tableName} entry {i + 1} (offset {starts[i]}) does not point at the start of a fragment after the previous frame's");
            }

            firsts[i] = index;
        }

        var table = new FrameFragments[starts.Length];
        for (var i = 0; i < starts.Length; i++)
        {
            var end = i + 1 < starts.Length ? firsts[i + 1] : fragmentCount;
            table[i] = new FrameFragments(firsts[i], end - firsts[i], -1);
        }

        return table;
    }

    /// <summary>True when a fragment begins like a whole codestream: JPEG / JPEG-LS SOI, JPEG 2000 SOC+SIZ or JP2 signature, or an RLE header.</summary>
    private static bool StartsCodestream(DicomValue fragment, DicomTransferSyntax syntax)
    {
        Span<byte> head = stackalloc byte[12];
        var n = (int)Math.Min(head.Length, fragment.Length);
        head = head[..n];
        if (fragment is DicomLazyValue lazy)
        {
            lazy.ReadAt(0, head);
        }
        else
        {
            fragment.GetMemory().Span[..n].CopyTo(head);
        }

        if (n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            return true;
        }

        if (n >= 4 && head[0] == 0xFF && head[1] == 0x4F && head[2] == 0xFF && head[3] == 0x51)
        {
            return true;
        }

        if (n >= 12 && head[..12].SequenceEqual((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A]))
        {
            return true;
        }

        if (syntax.Uid == RleUid && n >= 8)
        {
            var segments = BinaryPrimitives.ReadUInt32LittleEndian(head);
            return segments is >= 1 and <= 15 && BinaryPrimitives.ReadUInt32LittleEndian(head[4..]) == 64;
        }

        return false;
    }

    private const string RleUid = "1.2.840.10008.1.2.5";

    private static PixelDecodeException Error(string message) => new(message, PixelDecodeFailure.Corrupt);
}
