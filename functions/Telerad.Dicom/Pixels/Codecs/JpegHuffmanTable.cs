using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Telerad.Dicom;

/// <summary>
/// A JPEG Huffman table (T.81 C / F.2.2.3), decoded with a lookahead table for codes of up to
/// <see cref="LookaheadBits"/> bits and the canonical MAXCODE / VALPTR walk for longer ones.
/// </summary>
internal sealed class JpegHuffmanTable
{
    public const int LookaheadBits = 9;

    // Lookahead entry: code length << 8 | symbol, or 0 when the code is longer than the lookahead.
    private readonly ushort[] _lookahead = new ushort[1 << LookaheadBits];
    private readonly int[] _maxCode = new int[18];
    private readonly int[] _valueOffset = new int[17];
    private readonly byte[] _symbols;

    // Lossless fast path: for a code plus its extra bits within DifferenceBits, difference << 8 | bits consumed.
    private const int DifferenceBits = 12;
    private int[]? _differences;

    public JpegHuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols)
    {
        _symbols = symbols.ToArray();
        var code = 0;
        var k = 0;
        for (var length = 1; length <= 16; length++)
        {
            _valueOffset[length] = k - code;
            for (var i = 0; i < counts[length - 1]; i++, k++, code++)
            {
                if (code >= 1 << length || k >= _symbols.Length)
                {
                    throw new PixelDecodeException("A JPEG Huffman table has more codes than its lengths allow", PixelDecodeFailure.Corrupt);
                }

                if (length <= LookaheadBits)
                {
                    var shift = LookaheadBits - length;
                    for (var fill = 0; fill < 1 << shift; fill++)
                    {
                        _lookahead[(code << shift) | fill] = (ushort)((length << 8) | _symbols[k]);
                    }
                }
            }

            _maxCode[length] = counts[length - 1] == 0 ? -1 : code - 1;
            if (code > 1 << length)
            {
                throw new PixelDecodeException("A JPEG Huffman table has more codes than its lengths allow", PixelDecodeFailure.Corrupt);
            }

            code <<= 1;
        }

        _maxCode[17] = int.MaxValue;
    }

    /// <summary>
    /// Reads one lossless difference (T.81 H.1.2.2 / F.2.2.1): a category, then that many bits EXTENDed to a signed
    /// value, 16 meaning 32768. Short code + bits combinations come from one table lookup.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int DecodeDifference(ref JpegBitReader reader)
    {
        var table = _differences ??= BuildDifferences();
        var entry = table[reader.Peek(16) >> (16 - DifferenceBits)];
        if (entry != 0)
        {
            reader.Skip(entry & 0xFF);
            return entry >> 8;
        }

        var category = Decode(ref reader);
        if (category == 0)
        {
            return 0;
        }

        if (category >= 16)
        {
            return category == 16 ? 32768 : throw new PixelDecodeException("A JPEG lossless difference category is above 16", PixelDecodeFailure.Corrupt);
        }

        return Extend(reader.Receive(category), category);
    }

    private static int Extend(int bits, int category) => bits < 1 << (category - 1) ? bits - (1 << category) + 1 : bits;

    private int[] BuildDifferences()
    {
        var table = new int[1 << DifferenceBits];
        for (var prefix = 0; prefix < table.Length; prefix++)
        {
            var entry = _lookahead[prefix >> (DifferenceBits - LookaheadBits)];
            if (entry == 0)
            {
                continue;
            }

            var codeLength = entry >> 8;
            var category = entry & 0xFF;
            if (category > 16)
            {
                continue;
            }

            var extra = category == 16 ? 0 : category;
            if (codeLength + extra > DifferenceBits)
            {
                continue;
            }

            var bits = (prefix >> (DifferenceBits - codeLength - extra)) & ((1 << extra) - 1);
            var difference = category == 0 ? 0 : category == 16 ? 32768 : Extend(bits, category);
            table[prefix] = (difference << 8) | (codeLength + extra);
        }

        return table;
    }

    /// <summary>Reads one symbol from the bit reader.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Decode(ref JpegBitReader reader)
    {
        var peek = reader.Peek(16);
        var entry = _lookahead[peek >> (16 - LookaheadBits)];
        if (entry != 0)
        {
            reader.Skip(entry >> 8);
            return entry & 0xFF;
        }

        return DecodeLong(ref reader, peek);
    }

    private int DecodeLong(ref JpegBitReader reader, uint peek)
    {
        for (var length = LookaheadBits + 1; length <= 16; length++)
        {
            var code = peek >> (16 - length);
            if (code <= _maxCode[length])
            {
                reader.Skip(length);
                var index = code + _valueOffset[length];
                return (uint)index < (uint)_symbols.Length ? _symbols[index] : throw Corrupt();
            }
        }

        throw Corrupt();
    }

    private static PixelDecodeException Corrupt() => new("The JPEG data holds a code that is not in its Huffman table", PixelDecodeFailure.Corrupt);
}

/// <summary>
/// Reads entropy-coded bits (T.81 F.2.2.5): 0xFF 0x00 is a stuffed 0xFF; any other marker ends the data, after
/// which zeros are read (and <see cref="HitMarker"/> is set) so a short segment never reads past its end.
/// </summary>
internal ref struct JpegBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private ulong _buffer;
    private int _bits;

    public JpegBitReader(ReadOnlySpan<byte> data, int position)
    {
        _data = data;
        Position = position;
    }

    /// <summary>Next byte of the compressed data not yet in the bit buffer.</summary>
    public int Position { get; private set; }

    public bool HitMarker { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Peek(int count)
    {
        if (_bits < count)
        {
            Fill();
        }

        return (uint)(_buffer >> (64 - count));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip(int count)
    {
        _buffer <<= count;
        _bits -= count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Receive(int count)
    {
        var value = (int)Peek(count);
        Skip(count);
        return value;
    }

    /// <summary>
    /// Ends a restart interval: the bits left in the buffer are the last byte's padding (the filling stops at
    /// the marker), so drop them and step over the RSTn marker that must follow.
    /// </summary>
    public void Restart()
    {
        _buffer = 0;
        _bits = 0;
        HitMarker = false;
        while (Position + 1 < _data.Length && !(_data[Position] == 0xFF && _data[Position + 1] is >= 0xD0 and <= 0xD7))
        {
            Position++;
        }

        if (Position + 1 >= _data.Length)
        {
            throw new PixelDecodeException("A JPEG restart marker is missing", PixelDecodeFailure.Corrupt);
        }

        Position += 2;
    }

    private void Fill()
    {
        // Fast path: the next 8 bytes hold no 0xFF (no stuffing, no marker), so whole bytes can be taken at once.
        if (!HitMarker && Position + 8 <= _data.Length)
        {
            var word = BinaryPrimitives.ReadUInt64BigEndian(_data[Position..]);
            var inverted = ~word;
            if (((inverted - 0x0101010101010101UL) & ~inverted & 0x8080808080808080UL) == 0)
            {
                var count = (64 - _bits) >> 3;
                _buffer |= (word >> (64 - (count * 8))) << (64 - _bits - (count * 8));
                _bits += count * 8;
                Position += count;
                return;
            }
        }

        while (_bits <= 56)
        {
            byte next = 0;
            if (!HitMarker && Position < _data.Length)
            {
                next = _data[Position];
                if (next == 0xFF)
                {
                    var after = Position + 1 < _data.Length ? _data[Position + 1] : (byte)0xD9;
                    if (after == 0x00)
                    {
                        Position += 2;
                    }
                    else
                    {
                        HitMarker = true;
                        next = 0;
                    }
                }
                else
                {
                    Position++;
                }
            }

            _buffer |= (ulong)next << (56 - _bits);
            _bits += 8;
        }
    }
}
