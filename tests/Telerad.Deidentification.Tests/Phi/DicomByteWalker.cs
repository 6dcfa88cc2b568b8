using System.Buffers.Binary;
using System.Text;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>One element, item or fragment as found in the bytes of a Part 10 file.</summary>
/// <param name="Depth">0 at top level, 1 for items of a top-level sequence, 2 for their elements ... (as dcmdump indents).</param>
/// <param name="Path">"(0040,0275)[0]/(0040,A123)"; "meta/(0002,0016)" in the file meta; "preamble"; fragments "(7FE0,0010){2}".</param>
/// <param name="ValueLength">-1 for undefined length.</param>
/// <param name="IsLeaf">True when the value bytes are the element's value (not items).</param>
public sealed record WalkedElement(int Depth, DicomTag Tag, string VR, long ValueOffset, long ValueLength, string Path, bool IsLeaf);

/// <summary>What <see cref="DicomByteWalker"/> found; <see cref="Error"/> says where and why it stopped early.</summary>
public sealed record DicomWalk(IReadOnlyList<WalkedElement> Elements, string? Error)
{
    /// <summary>The leaf whose value holds <paramref name="offset"/>: "preamble", a tag path, or "?" (a header, a delimiter, or bytes not walked).</summary>
    public string PathAt(long offset)
    {
        WalkedElement? best = null;
        foreach (var e in Elements)
        {
            if (e.IsLeaf && offset >= e.ValueOffset && offset < e.ValueOffset + e.ValueLength)
            {
                best = e; // leaves do not overlap; the last match is the innermost
            }
        }

        return best?.Path ?? "?";
    }
}

/// <summary>
/// A small walker over the bytes of a Part 10 file in Explicit or Implicit VR Little Endian (PS3.5 7.1, 7.5;
/// PS3.10 7.1), written for the scanner independently of Telerad.Dicom's reader, so that a hit can be named by
/// the element that holds it even in what the engine writes. UN of undefined length is walked as an implicit VR
/// sequence (PS3.5 6.2.2). Other syntaxes (big endian, deflated) are not walked: their hits are reported as "?".
/// </summary>
public static class DicomByteWalker
{
    private const uint Undefined = 0xFFFFFFFF;
    private static readonly DicomTag PixelData = new(0x7FE00010);
    private static readonly HashSet<string> LongVRs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"];

    public static DicomWalk Walk(ReadOnlySpan<byte> data)
    {
        var elements = new List<WalkedElement>();
        var state = new State(data.ToArray(), elements);
        try
        {
            state.WalkFile();
            return new DicomWalk(elements, null);
        }
        catch (WalkStopped stop)
        {
            return new DicomWalk(elements, stop.Message);
        }
    }

    private sealed class WalkStopped(string message) : Exception(message);

    private sealed class State(byte[] data, List<WalkedElement> elements)
    {
        private long _pos;

        public void WalkFile()
        {
            var explicitVR = true;
            if (data.Length >= 132 && data.AsSpan(128, 4).SequenceEqual("DICM"u8))
            {
                elements.Add(new WalkedElement(0, default, "--", 0, 128, "preamble", true));
                _pos = 132;
                string? syntax = null;
                while (_pos + 8 <= data.Length && U16(_pos) == 0x0002)
                {
                    var element = ReadElement(explicitVR: true, depth: 0, prefix: "meta/");
                    if (element.Tag.Value == 0x00020010)
                    {
                        syntax = Encoding.ASCII.GetString(data, (int)element.ValueOffset, (int)element.ValueLength).TrimEnd('\0', ' ');
                    }
                }

                switch (syntax)
                {
                    case "1.2.840.10008.1.2":
                        explicitVR = false;
                        break;
                    case "1.2.840.10008.1.2.2" or "1.2.840.10008.1.2.1.99":
                        throw new WalkStopped($"transfer syntax {syntax} is not walked");
                }
            }
            else
            {
                explicitVR = data.Length >= 6 && IsVRByte(data[4]) && IsVRByte(data[5]);
            }

            ReadDataset(data.Length, explicitVR, depth: 0, prefix: string.Empty, stopAtItemEnd: false);
        }

        private void ReadDataset(long end, bool explicitVR, int depth, string prefix, bool stopAtItemEnd)
        {
            while (_pos < end)
            {
                Need(8);
                var tag = new DicomTag(U16(_pos), U16(_pos + 2));
                if (tag == DicomTag.ItemDelimitation)
                {
                    if (!stopAtItemEnd)
                    {
                        throw new WalkStopped($"item delimiter outside an item at {_pos}");
                    }

                    _pos += 8;
                    return;
                }

                if (tag == DicomTag.SequenceDelimitation || tag == DicomTag.Item)
                {
                    throw new WalkStopped($"delimiter {tag} where an element was expected at {_pos}");
                }

                ReadElement(explicitVR, depth, prefix);
            }

            if (stopAtItemEnd && end == data.Length)
            {
                throw new WalkStopped("an undefined-length item runs to the end of the file");
            }
        }

        private WalkedElement ReadElement(bool explicitVR, int depth, string prefix)
        {
            Need(8);
            var tag = new DicomTag(U16(_pos), U16(_pos + 2));
            string vr;
            uint length;
            long valueStart;
            if (explicitVR)
            {
                if (!IsVRByte(data[_pos + 4]) || !IsVRByte(data[_pos + 5]))
                {
                    throw new WalkStopped($"no VR for {tag} at {_pos}");
                }

                vr = Encoding.ASCII.GetString(data, (int)_pos + 4, 2);
                if (LongVRs.Contains(vr))
                {
                    Need(12);
                    length = U32(_pos + 8);
                    valueStart = _pos + 12;
                }
                else
                {
                    length = U16(_pos + 6);
                    valueStart = _pos + 8;
                }
            }
            else
            {
                length = U32(_pos + 4);
                valueStart = _pos + 8;
                vr = DicomVRInfo.ToCode(DicomDictionary.ImpliedVR(tag));
            }

            var path = prefix + tag;
            _pos = valueStart;
            if (tag == PixelData && length == Undefined)
            {
                var pixel = new WalkedElement(depth, tag, vr, valueStart, -1, path, false);
                elements.Add(pixel);
                ReadFragments(depth + 1, path);
                return pixel;
            }

            var isSequence = vr == "SQ" || (length == Undefined && (vr == "UN" || !explicitVR));
            if (isSequence)
            {
                var sequence = new WalkedElement(depth, tag, vr, valueStart, length == Undefined ? -1 : length, path, false);
                elements.Add(sequence);
                // UN of undefined length holds implicit VR little endian items (PS3.5 6.2.2).
                ReadItems(length, explicitVR && vr != "UN", depth + 1, path);
                return sequence;
            }

            if (length == Undefined || valueStart + length > data.Length)
            {
                throw new WalkStopped($"{tag} at {valueStart - 8} has length {length}, past the end");
            }

            var leaf = new WalkedElement(depth, tag, vr, valueStart, length, path, true);
            elements.Add(leaf);
            _pos = valueStart + length;
            return leaf;
        }

        private void ReadItems(uint length, bool explicitVR, int depth, string path)
        {
            var end = length == Undefined ? data.Length : _pos + length;
            for (var index = 0; _pos < end; index++)
            {
                Need(8);
                var tag = new DicomTag(U16(_pos), U16(_pos + 2));
                var itemLength = U32(_pos + 4);
                if (tag == DicomTag.SequenceDelimitation)
                {
                    _pos += 8;
                    if (length != Undefined)
                    {
                        throw new WalkStopped($"sequence delimiter in a defined-length sequence at {_pos - 8}");
                    }

                    return;
                }

                if (tag != DicomTag.Item)
                {
                    throw new WalkStopped($"{tag} where an item was expected at {_pos}");
                }

                _pos += 8;
                var itemPath = $"{path}[{index}]";
                elements.Add(new WalkedElement(depth, DicomTag.Item, "na", _pos, itemLength == Undefined ? -1 : itemLength, itemPath, false));
                if (itemLength == Undefined)
                {
                    ReadDataset(data.Length, explicitVR, depth + 1, itemPath + "/", stopAtItemEnd: true);
                }
                else
                {
                    ReadDataset(_pos + itemLength, explicitVR, depth + 1, itemPath + "/", stopAtItemEnd: false);
                }
            }

            if (length == Undefined)
            {
                throw new WalkStopped($"sequence {path} has no delimiter");
            }
        }

        private void ReadFragments(int depth, string path)
        {
            for (var index = 0; ; index++)
            {
                Need(8);
                var tag = new DicomTag(U16(_pos), U16(_pos + 2));
                var length = U32(_pos + 4);
                _pos += 8;
                if (tag == DicomTag.SequenceDelimitation)
                {
                    return;
                }

                if (tag != DicomTag.Item || _pos + length > data.Length)
                {
                    throw new WalkStopped($"bad fragment in {path} at {_pos - 8}");
                }

                elements.Add(new WalkedElement(depth, DicomTag.Item, "pi", _pos, length, $"{path}{{{index}}}", true));
                _pos += length;
            }
        }

        private void Need(int count)
        {
            if (_pos + count > data.Length)
            {
                throw new WalkStopped($"the file ends inside a header at {_pos}");
            }
        }

        private ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan((int)at, 2));

        private uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)at, 4));
    }

    private static bool IsVRByte(byte b) => b is >= (byte)'A' and <= (byte)'Z';
}
