namespace Telerad.Dicom;

/// <summary>The ISO 2022 code element a graphic character set is designated to (PS3.5 6.1.2.4).</summary>
internal enum CodeElement
{
    /// <summary>G0, invoked into GL (bytes 0x21-0x7E).</summary>
    G0,

    /// <summary>G1, invoked into GR (bytes 0xA0-0xFF).</summary>
    G1,
}

/// <summary>
/// One graphic character set of PS3.3 Tables C.12-2 to C.12-4 with its ISO 2022 escape sequence and a
/// decoding table. Tables are built on first use from the platform's code pages (see <see cref="CodeTables"/>)
/// and are shared, read-only, by every <see cref="DicomCharacterSet"/>.
/// </summary>
internal sealed class GraphicCharacterSet
{
    /// <summary>Number of characters in a 94 x 94 double-byte set.</summary>
    public const int DoubleByteTableSize = 94 * 94;

    private readonly Func<char[]>? _buildTable;
    private char[]? _table;
    private Dictionary<char, ushort>? _encodeMap;

    public GraphicCharacterSet(string name, CodeElement element, bool isDoubleByte, byte[] escape, Func<char[]>? buildTable)
    {
        Name = name;
        Element = element;
        IsDoubleByte = isDoubleByte;
        Escape = escape;
        _buildTable = buildTable;
    }

    /// <summary>The ISO registration, e.g. "ISO-IR 87", for warnings and diagnostics.</summary>
    public string Name { get; }

    public CodeElement Element { get; }

    public bool IsDoubleByte { get; }

    /// <summary>The complete escape sequence that designates this set, ESC included.</summary>
    public byte[] Escape { get; }

    /// <summary>True for the sets whose GL bytes we decode as ASCII (ISO-IR 6, and ISO-IR 14, see <see cref="CodeTables"/>).</summary>
    public bool IsAsciiCompatibleG0 => Element == CodeElement.G0 && !IsDoubleByte;

    /// <summary>
    /// Single-byte G1 sets: 256 entries, indexed by byte (0x00-0x9F map to themselves).
    /// Double-byte sets: 94 x 94 entries, indexed by <see cref="DoubleByteIndex"/>. U+FFFD marks unassigned codes.
    /// </summary>
    public char[] Table => Volatile.Read(ref _table) ?? InitializeTable();

    public static int DoubleByteIndex(byte first, byte second) => (((first & 0x7F) - 0x21) * 94) + ((second & 0x7F) - 0x21);

    /// <summary>Character for a double-byte code; both bytes must be in 0x21-0x7E or 0xA1-0xFE.</summary>
    public char DecodeDoubleByte(byte first, byte second) => Table[DoubleByteIndex(first, second)];

    /// <summary>
    /// The code of <paramref name="c"/> in this set: one byte (0xA0-0xFF) for single-byte G1 sets, or the two
    /// 7-bit bytes (high, low, each 0x21-0x7E) for double-byte sets. False if the set does not have it.
    /// </summary>
    public bool TryEncode(char c, out ushort code)
    {
        if (Element == CodeElement.G0 && !IsDoubleByte)
        {
            code = c;
            return c is > ' ' and < '\x7F';
        }

        var map = Volatile.Read(ref _encodeMap) ?? InitializeEncodeMap();
        return map.TryGetValue(c, out code);
    }

    /// <summary>Builds the table on first use; a race builds it twice at worst and one result wins.</summary>
    private char[] InitializeTable()
    {
        var built = _buildTable?.Invoke() ?? throw new InvalidOperationException($"{Name} has no table.");
        return Interlocked.CompareExchange(ref _table, built, null) ?? built;
    }

    private Dictionary<char, ushort> InitializeEncodeMap()
    {
        var built = BuildEncodeMap();
        return Interlocked.CompareExchange(ref _encodeMap, built, null) ?? built;
    }

    private Dictionary<char, ushort> BuildEncodeMap()
    {
        var table = Table;
        var map = new Dictionary<char, ushort>(table.Length);
        if (IsDoubleByte)
        {
            for (var i = 0; i < table.Length; i++)
            {
                // First occurrence wins: standard rows come before vendor extension rows that repeat a character.
                if (table[i] != CodeTables.Unassigned)
                {
                    map.TryAdd(table[i], (ushort)((((i / 94) + 0x21) << 8) | ((i % 94) + 0x21)));
                }
            }
        }
        else
        {
            for (var b = 0xA0; b <= 0xFF; b++)
            {
                if (table[b] != CodeTables.Unassigned)
                {
                    map.TryAdd(table[b], (ushort)b);
                }
            }
        }

        return map;
    }

    public override string ToString() => Name;
}
