using System.Buffers.Binary;
using System.Text;

namespace Telerad.Dicom;

/// <summary>
/// Parses a data set (PS3.5 Section 7) from a <see cref="DicomInput"/> and reports it to an observer.
/// Every length is checked against the input that is left, nesting depth is bounded, and every failure
/// is a <see cref="DicomFormatException"/> with the byte offset and the tag path.
/// </summary>
internal sealed class DicomReader
{
    internal const uint UndefinedLength = 0xFFFFFFFFu;

    private static readonly DicomTag PixelData = new(0x7FE00010u);
    private static readonly DicomTag FloatPixelData = new(0x7FE00008u);
    private static readonly DicomTag DoubleFloatPixelData = new(0x7FE00009u);
    private static readonly DicomTag PixelRepresentation = new(0x00280103u);

    private readonly DicomInput _input;
    private readonly IDicomReaderObserver _observer;
    private readonly DicomReaderOptions _options;
    private readonly List<(DicomTag Tag, int Item)> _path = [];
    private readonly List<DicomReadWarning> _warnings;
    private readonly Func<SpillFile> _spill;
    private int _pixelRepresentation;
    private Func<DicomTag, bool>? _stopBefore;

    public DicomReader(DicomInput input, IDicomReaderObserver observer, DicomReaderOptions options, List<DicomReadWarning> warnings, Func<SpillFile> spill)
    {
        _input = input;
        _observer = observer;
        _options = options;
        _warnings = warnings;
        _spill = spill;
    }

    /// <summary>Set when reading stopped in front of top-level pixel data.</summary>
    public bool StoppedBeforePixelData { get; private set; }

    /// <summary>Reads the top-level data set to the end of input (or to pixel data, if asked).</summary>
    public void ReadTopLevel(bool explicitVR, bool bigEndian, Func<DicomTag, bool>? stopBefore = null)
    {
        _stopBefore = stopBefore;
        ReadElements(explicitVR, bigEndian, end: -1, undefinedItem: false, depth: 0);
    }

    /// <summary>Set when reading stopped because the caller's predicate matched a top-level tag.</summary>
    public bool Stopped { get; private set; }

    private enum EndReason
    {
        EndOfInput,
        ReachedEnd,
        ItemDelimiter,
        SequenceDelimiter,
        PixelData,
    }

    private EndReason ReadElements(bool explicitVR, bool bigEndian, long end, bool undefinedItem, int depth)
    {
        while (true)
        {
            if (end >= 0)
            {
                var position = _input.Position;
                if (position == end)
                {
                    return EndReason.ReachedEnd;
                }

                if (position > end)
                {
                    throw Error($"An element ran {position - end} bytes past the end of its item");
                }
            }

            if (!_input.Ensure(8))
            {
                return EndOfInput(end, undefinedItem);
            }

            var header = _input.Peek(8);
            var group = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header) : BinaryPrimitives.ReadUInt16LittleEndian(header);
            var element = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(header[2..]);
            var tag = new DicomTag(group, element);
            var offset = _input.Position;

            if (group == 0xFFFE)
            {
                _input.Advance(8);
                var delimiterLength = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(header[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
                if (tag == DicomTag.ItemDelimitation)
                {
                    WarnIfNonZero(delimiterLength, offset, "Item Delimitation Item");
                    if (undefinedItem)
                    {
                        return EndReason.ItemDelimiter;
                    }

                    Warn(offset, "Stray Item Delimitation Item ignored");
                    continue;
                }

                if (tag == DicomTag.SequenceDelimitation)
                {
                    WarnIfNonZero(delimiterLength, offset, "Sequence Delimitation Item");
                    if (depth > 0)
                    {
                        // An undefined-length item that was never closed: the sequence ends here.
                        Warn(offset, "Sequence Delimitation Item inside an item (item not terminated)");
                        return EndReason.SequenceDelimiter;
                    }

                    Warn(offset, "Stray Sequence Delimitation Item ignored");
                    continue;
                }

                throw Error($"Unexpected {tag} in a data set (an item outside a sequence)", offset);
            }

            if (depth == 0 && _options.StopBeforePixelData && (tag == PixelData || tag == FloatPixelData || tag == DoubleFloatPixelData))
            {
                StoppedBeforePixelData = true;
                return EndReason.PixelData;
            }

            if (depth == 0 && _stopBefore is not null && _stopBefore(tag))
            {
                Stopped = true;
                return EndReason.PixelData;
            }

            ReadElement(tag, explicitVR, bigEndian, depth, offset);
        }
    }

    private EndReason EndOfInput(long end, bool undefinedItem)
    {
        if (end >= 0)
        {
            throw Error("The input ended inside an item of defined length");
        }

        if (undefinedItem)
        {
            throw Error("The input ended inside an item of undefined length (no Item Delimitation Item)");
        }

        var left = _input.Buffered;
        if (left > 0)
        {
            var tail = _input.Peek(left);
            if (tail.IndexOfAnyExcept((byte)0) >= 0)
            {
                throw Error($"The input ended inside an element header ({left} bytes left)");
            }

            Warn(_input.Position, $"{left} trailing zero bytes ignored");
            _input.Advance(left);
        }

        return EndReason.EndOfInput;
    }

    private void ReadElement(DicomTag tag, bool explicitVR, bool bigEndian, int depth, long offset)
    {
        DicomVR vr;
        uint length;
        if (explicitVR)
        {
            var header = _input.Peek(8);
            vr = DicomVRInfo.FromBytes(header[4], header[5]);
            if (vr == DicomVR.None)
            {
                vr = ReadUnknownVRHeader(tag, header, bigEndian, offset, out length);
            }
            else if (DicomVRInfo.HasLongExplicitLength(vr))
            {
                if (!_input.Ensure(12))
                {
                    throw Error("The input ended inside an element header", offset, tag);
                }

                var longHeader = _input.Peek(12);
                length = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(longHeader[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(longHeader[8..]);
                _input.Advance(12);
            }
            else
            {
                length = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header[6..]) : BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
                _input.Advance(8);
            }
        }
        else
        {
            var header = _input.Peek(8);
            length = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(header[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            _input.Advance(8);
            vr = ImplicitVR(tag, length);
        }

        if (vr == DicomVR.SQ || (length == UndefinedLength && vr == DicomVR.UN))
        {
            var unknown = vr == DicomVR.UN;
            // UN of undefined length holds an implicit VR little endian sequence (PS3.5 6.2.2, CP-246).
            ReadSequence(tag, length, unknown ? false : explicitVR, unknown ? false : bigEndian, depth, offset, unknown);
            return;
        }

        if (length == UndefinedLength)
        {
            if (vr is DicomVR.OB or DicomVR.OW && depth == 0)
            {
                if (vr != DicomVR.OB)
                {
                    Warn(offset, $"Encapsulated {tag} has VR {vr}; read as OB (PS3.5 A.4)", tag);
                }

                ReadFragments(tag, DicomVR.OB, bigEndian, offset);
                return;
            }

            throw Error($"Undefined length is not allowed for VR {DicomVRInfo.ToCode(vr)}", offset, tag);
        }

        if ((length & 1) == 1)
        {
            Warn(offset, $"Odd value length {length} for {tag}", tag);
        }

        var value = ReadValue(tag, vr, length, bigEndian, offset);
        if (tag == PixelRepresentation && value.Length >= 2 && value.IsBuffered)
        {
            _pixelRepresentation = BinaryPrimitives.ReadUInt16LittleEndian(value.GetMemory().Span);
        }

        _observer.OnElement(tag, vr, value, offset);
    }

    /// <summary>
    /// An explicit VR header whose two VR bytes are not a VR. Like dcmtk, read it as UN with the
    /// 32-bit length layout when the reserved bytes are zero (a VR from a future edition), otherwise
    /// with the 16-bit layout; either way the element keeps its bytes.
    /// </summary>
    private DicomVR ReadUnknownVRHeader(DicomTag tag, ReadOnlySpan<byte> header, bool bigEndian, long offset, out uint length)
    {
        var code = Encoding.Latin1.GetString(header.Slice(4, 2));
        Warn(offset, $"Unknown VR '{Printable(code)}' for {tag}, read as UN", tag);
        if (header[6] == 0 && header[7] == 0 && _input.Ensure(12))
        {
            var longHeader = _input.Peek(12);
            length = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(longHeader[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(longHeader[8..]);
            _input.Advance(12);
        }
        else
        {
            length = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header[6..]) : BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
            _input.Advance(8);
        }

        return DicomVR.UN;
    }

    private static string Printable(string code) => new(code.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());

    /// <summary>The VR an implicit data set implies, refined by context where PS3.6 lists two.</summary>
    private DicomVR ImplicitVR(DicomTag tag, uint length)
    {
        if (tag.IsGroupLength)
        {
            return DicomVR.UL;
        }

        if (tag.IsPrivate)
        {
            return tag.IsPrivateCreator ? DicomVR.LO : DicomVR.UN;
        }

        var entry = DicomDictionary.Find(tag);
        if (entry is null)
        {
            return DicomVR.UN;
        }

        var vrs = entry.ValueRepresentations;
        if (vrs.Count <= 1)
        {
            return vrs.Count == 1 ? vrs[0] : DicomVR.UN;
        }

        // PS3.5 Annex A.1: OB or OW pixel-like data is OW in implicit VR; US or SS follows Pixel Representation.
        if (vrs.Contains(DicomVR.OW) && (tag.Group == 0x7FE0 || vrs.Contains(DicomVR.OB)))
        {
            return DicomVR.OW;
        }

        if (vrs.Contains(DicomVR.SS) && vrs.Contains(DicomVR.US))
        {
            return _pixelRepresentation == 1 ? DicomVR.SS : DicomVR.US;
        }

        if (vrs.Contains(DicomVR.OW))
        {
            // US or OW (LUT Data): the word form carries any length.
            return length > 2 ? DicomVR.OW : DicomVR.US;
        }

        return vrs[0];
    }

    private DicomValue ReadValue(DicomTag tag, DicomVR vr, uint length, bool bigEndian, long offset)
    {
        if (length == 0)
        {
            return DicomValue.Empty;
        }

        if (_input.Remaining is { } remaining && length > remaining)
        {
            throw Error($"Value length {length} is more than the {remaining} bytes left in the input", offset, tag);
        }

        var swapUnit = bigEndian ? DicomVRInfo.SwapUnit(vr) : 1;
        if (length <= _options.LargeValueThreshold)
        {
            var bytes = new byte[length];
            if (!_input.ReadInto(bytes))
            {
                throw Error($"The input ended inside the value of {tag} ({length} bytes expected)", offset, tag);
            }

            if (swapUnit > 1)
            {
                ByteSwap.InPlace(bytes, swapUnit);
            }

            return new DicomBufferValue(bytes);
        }

        var valueStart = _input.Position;
        if (_input.Source.RandomAccess is { } random)
        {
            if (!_input.Skip(length))
            {
                throw Error($"The input ended inside the value of {tag} ({length} bytes expected)", offset, tag);
            }

            return new DicomLazyValue(random, valueStart, length, swapUnit);
        }

        var spill = _spill();
        long spillStart = -1;
        var copied = _input.CopyTo(length, chunk =>
        {
            var at = spill.Append(chunk);
            if (spillStart < 0)
            {
                spillStart = at;
            }
        });
        if (!copied)
        {
            throw Error($"The input ended inside the value of {tag} ({length} bytes expected)", offset, tag);
        }

        return new DicomLazyValue(spill, spillStart, length, swapUnit);
    }

    private void ReadSequence(DicomTag tag, uint length, bool explicitVR, bool bigEndian, int depth, long offset, bool wasUnknownVR)
    {
        if (depth + 1 > _options.MaxDepth)
        {
            throw Error($"Sequences are nested deeper than {_options.MaxDepth} levels", offset, tag);
        }

        long end = -1;
        if (length != UndefinedLength)
        {
            end = EndOf(length, "Sequence", offset, tag);
        }

        _observer.OnBeginSequence(tag, wasUnknownVR, offset);
        _path.Add((tag, -1));
        var index = 0;
        try
        {
            while (true)
            {
                if (end >= 0 && _input.Position >= end)
                {
                    if (_input.Position > end)
                    {
                        throw Error("An item ran past the end of its sequence");
                    }

                    break;
                }

                if (!_input.Ensure(8))
                {
                    throw Error(end >= 0 ? "The input ended inside a sequence" : "The input ended inside a sequence of undefined length (no Sequence Delimitation Item)");
                }

                var header = _input.Peek(8);
                var itemTag = new DicomTag(
                    bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header) : BinaryPrimitives.ReadUInt16LittleEndian(header),
                    bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(header[2..]));
                var itemLength = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(header[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
                var itemOffset = _input.Position;
                _input.Advance(8);

                if (itemTag == DicomTag.SequenceDelimitation)
                {
                    WarnIfNonZero(itemLength, itemOffset, "Sequence Delimitation Item");
                    if (end >= 0)
                    {
                        Warn(itemOffset, "Sequence Delimitation Item in a sequence of defined length");
                        continue;
                    }

                    break;
                }

                if (itemTag == DicomTag.ItemDelimitation)
                {
                    Warn(itemOffset, "Stray Item Delimitation Item in a sequence ignored");
                    continue;
                }

                if (itemTag != DicomTag.Item)
                {
                    throw Error($"Expected an Item (FFFE,E000) in the sequence, found {itemTag}", itemOffset);
                }

                _path[^1] = (tag, index);
                _observer.OnBeginItem(itemOffset);
                EndReason reason;
                if (itemLength == UndefinedLength)
                {
                    reason = ReadElements(explicitVR, bigEndian, end: -1, undefinedItem: true, depth + 1);
                }
                else
                {
                    reason = ReadElements(explicitVR, bigEndian, EndOf(itemLength, "Item", itemOffset, null), undefinedItem: false, depth + 1);
                }

                _observer.OnEndItem();
                index++;
                if (reason == EndReason.SequenceDelimiter)
                {
                    break;
                }
            }
        }
        finally
        {
            _path.RemoveAt(_path.Count - 1);
        }

        _observer.OnEndSequence();
    }

    /// <summary>
    /// After stopping before pixel data: checks, without reading pixels, that the pixel data element fits
    /// in the input (its length, or its fragments' item headers up to the sequence delimiter), so a
    /// truncated upload is caught even when only the header is read. Needs a seekable source; returns null
    /// when it cannot tell. Leaves the position at the pixel data element.
    /// </summary>
    public bool? PixelDataFitsInput(bool explicitVR, bool bigEndian)
    {
        if (_input.Source.RandomAccess is null || _input.Remaining is not { } remaining)
        {
            return null;
        }

        var start = _input.Position;
        using var probe = new DicomInput(_input.Source, start, 4096);
        if (!probe.Ensure(8))
        {
            return false;
        }

        var header = probe.Peek(8);
        uint length;
        if (explicitVR)
        {
            var vr = DicomVRInfo.FromBytes(header[4], header[5]);
            if (DicomVRInfo.HasLongExplicitLength(vr) || vr == DicomVR.None)
            {
                if (!probe.Ensure(12))
                {
                    return false;
                }

                length = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(probe.Peek(12)[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(probe.Peek(12)[8..]);
                probe.Advance(12);
            }
            else
            {
                length = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header[6..]) : BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
                probe.Advance(8);
            }
        }
        else
        {
            length = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(header[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            probe.Advance(8);
        }

        if (length != UndefinedLength)
        {
            return length <= remaining - (probe.Position - start);
        }

        // Encapsulated: hop over the fragment items to the sequence delimiter.
        while (probe.Ensure(8))
        {
            var item = probe.Peek(8);
            var itemTag = bigEndian
                ? ((uint)BinaryPrimitives.ReadUInt16BigEndian(item) << 16) | BinaryPrimitives.ReadUInt16BigEndian(item[2..])
                : ((uint)BinaryPrimitives.ReadUInt16LittleEndian(item) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(item[2..]);
            var itemLength = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(item[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(item[4..]);
            probe.Advance(8);
            if (itemTag == DicomTag.SequenceDelimitation.Value)
            {
                return true;
            }

            if (itemTag != DicomTag.Item.Value || itemLength == UndefinedLength || !probe.Skip(itemLength))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>
    /// Where a defined-length sequence or item ends. When the length runs past the end of the input, read
    /// on to the end as dcmtk does (files edited without fixing lengths exist), but say so: an element cut
    /// in the middle still fails, and <see cref="LengthsOverranInput"/> lets callers refuse such files.
    /// </summary>
    private long EndOf(uint length, string what, long offset, DicomTag? tag)
    {
        if (_input.Remaining is { } remaining && length > remaining)
        {
            Warn(offset, $"{what} length {length} is more than the {remaining} bytes left in the input; read to the end", tag);
            LengthsOverranInput = true;
            return _input.Position + remaining;
        }

        return _input.Position + length;
    }

    /// <summary>A sequence or item claimed more bytes than the input had (see <see cref="EndOf"/>).</summary>
    public bool LengthsOverranInput { get; private set; }

    private void ReadFragments(DicomTag tag, DicomVR vr, bool bigEndian, long offset)
    {
        DicomValue? offsetTable = null;
        var fragments = new List<DicomValue>();
        _path.Add((tag, -1));
        try
        {
            while (true)
            {
                if (!_input.Ensure(8))
                {
                    throw Error("The input ended inside encapsulated pixel data (no Sequence Delimitation Item)");
                }

                var header = _input.Peek(8);
                var itemTag = new DicomTag(
                    bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header) : BinaryPrimitives.ReadUInt16LittleEndian(header),
                    bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(header[2..]));
                var itemLength = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(header[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
                var itemOffset = _input.Position;
                _input.Advance(8);
                if (itemTag == DicomTag.SequenceDelimitation)
                {
                    break;
                }

                if (itemTag != DicomTag.Item)
                {
                    throw Error($"Expected a fragment Item (FFFE,E000) in encapsulated pixel data, found {itemTag}", itemOffset);
                }

                if (itemLength == UndefinedLength)
                {
                    throw Error("A pixel data fragment has undefined length", itemOffset);
                }

                _path[^1] = (tag, fragments.Count + (offsetTable is null ? 0 : 1));
                // Fragments are byte streams: never swapped, whatever the syntax.
                var value = ReadValue(DicomTag.Item, DicomVR.OB, itemLength, false, itemOffset);
                if (offsetTable is null)
                {
                    offsetTable = value;
                }
                else
                {
                    fragments.Add(value);
                }
            }
        }
        finally
        {
            _path.RemoveAt(_path.Count - 1);
        }

        _observer.OnFragments(tag, vr, offsetTable ?? DicomValue.Empty, fragments, offset);
    }

    private void WarnIfNonZero(uint length, long offset, string what)
    {
        if (length != 0)
        {
            Warn(offset, $"{what} has length {length}, expected 0");
        }
    }

    private void Warn(long offset, string message, DicomTag? tag = null) =>
        _warnings.Add(new DicomReadWarning(offset, PathString(tag), message));

    private DicomFormatException Error(string reason, long offset = -1, DicomTag? tag = null) =>
        new(reason, offset >= 0 ? offset : _input.Position, PathString(tag));

    /// <summary>"(0008,1115)[0]/(0020,000E)": where the reader is, without any values.</summary>
    internal string PathString(DicomTag? leaf = null)
    {
        var sb = new StringBuilder();
        foreach (var (tag, item) in _path)
        {
            if (sb.Length > 0)
            {
                sb.Append('/');
            }

            sb.Append(tag.ToString());
            if (item >= 0)
            {
                sb.Append('[').Append(item).Append(']');
            }
        }

        if (leaf is { } t)
        {
            if (sb.Length > 0)
            {
                sb.Append('/');
            }

            sb.Append(t.ToString());
        }

        return sb.ToString();
    }
}
