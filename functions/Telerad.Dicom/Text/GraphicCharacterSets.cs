namespace Telerad.Dicom;

/// <summary>
/// The graphic character sets DICOM allows with ISO 2022 code extensions, with the escape sequences of
/// PS3.3 Tables C.12-3 (single-byte) and C.12-4 (multi-byte).
/// </summary>
internal static class GraphicCharacterSets
{
    private const byte Esc = 0x1B;

    /// <summary>ISO-IR 6, ASCII, in G0: ESC ( B.</summary>
    public static readonly GraphicCharacterSet Ascii = new("ISO-IR 6", CodeElement.G0, false, [Esc, 0x28, 0x42], null);

    /// <summary>
    /// ISO-IR 14, JIS X 0201 Romaji, in G0: ESC ( J. It differs from ASCII only at 0x5C (YEN SIGN) and 0x7E
    /// (OVERLINE). We decode both as ASCII, as pydicom and most readers do: 0x5C is the value delimiter
    /// whatever its glyph (PS3.5 6.1.2.5.3), and splitting values must still work on the decoded text.
    /// </summary>
    public static readonly GraphicCharacterSet JisRomaji = new("ISO-IR 14", CodeElement.G0, false, [Esc, 0x28, 0x4A], null);

    /// <summary>ISO-IR 13, JIS X 0201 Katakana, in G1: ESC ) I.</summary>
    public static readonly GraphicCharacterSet JisKatakana = new("ISO-IR 13", CodeElement.G1, false, [Esc, 0x29, 0x49], CodeTables.Katakana);

    public static readonly GraphicCharacterSet Latin1 = Upper("ISO-IR 100", 'A', 28591);
    public static readonly GraphicCharacterSet Latin2 = Upper("ISO-IR 101", 'B', 28592);
    public static readonly GraphicCharacterSet Latin3 = Upper("ISO-IR 109", 'C', 28593);
    public static readonly GraphicCharacterSet Latin4 = Upper("ISO-IR 110", 'D', 28594);
    public static readonly GraphicCharacterSet Cyrillic = Upper("ISO-IR 144", 'L', 28595);
    public static readonly GraphicCharacterSet Arabic = Upper("ISO-IR 127", 'G', 28596);

    /// <summary>Windows maps 0xA1/0xA2 to modifier letters and 0xA4/0xA5/0xAA (ISO 8859-7:2003 additions) to private use.</summary>
    public static readonly GraphicCharacterSet Greek = Upper("ISO-IR 126", 'F', 28597, (0xA1, '\u2018'), (0xA2, '\u2019'), (0xA4, '\u20AC'), (0xA5, '\u20AF'), (0xAA, '\u037A'));

    /// <summary>Windows maps 0xAF to OVERLINE and leaves out the direction marks of ISO 8859-8 (1999).</summary>
    public static readonly GraphicCharacterSet Hebrew = Upper("ISO-IR 138", 'H', 28598, (0xAF, '\u00AF'), (0xFD, '\u200E'), (0xFE, '\u200F'));

    public static readonly GraphicCharacterSet Latin5 = Upper("ISO-IR 148", 'M', 28599);
    public static readonly GraphicCharacterSet Latin9 = Upper("ISO-IR 203", 'b', 28605);

    /// <summary>TIS 620 (ISO 8859-11 upper half); code page 874 only differs in 0x80-0x9F, which stay C1 controls here.</summary>
    public static readonly GraphicCharacterSet Thai = Upper("ISO-IR 166", 'T', 874);

    /// <summary>
    /// ISO-IR 87, JIS X 0208, in G0: ESC $ B. Built from EUC-JP; Windows' choices for six symbols are replaced
    /// by the JIS mapping (WAVE DASH, DOUBLE VERTICAL LINE, MINUS SIGN, CENT, POUND, NOT SIGN).
    /// </summary>
    public static readonly GraphicCharacterSet JisX0208 = new(
        "ISO-IR 87",
        CodeElement.G0,
        true,
        [Esc, 0x24, 0x42],
        () => CodeTables.DoubleByte(
            51932,
            static (row, cell) => [(byte)(row | 0x80), (byte)(cell | 0x80)],
            (0x2141, '\u301C'),
            (0x2142, '\u2016'),
            (0x215D, '\u2212'),
            (0x2171, '\u00A2'),
            (0x2172, '\u00A3'),
            (0x224C, '\u00AC')));

    /// <summary>ISO-IR 159, JIS X 0212, in G0: ESC $ ( D. Code page 20932 holds it as (row | 0x80, cell).</summary>
    public static readonly GraphicCharacterSet JisX0212 = new(
        "ISO-IR 159",
        CodeElement.G0,
        true,
        [Esc, 0x24, 0x28, 0x44],
        () => CodeTables.DoubleByte(
            20932,
            static (row, cell) => [(byte)(row | 0x80), (byte)cell],
            (0x2237, '\u007E'),
            (0x2271, '\u2116')));

    /// <summary>ISO-IR 149, KS X 1001, in G1: ESC $ ) C. Code page 949 (a superset) agrees with KS X 1001 on every code.</summary>
    public static readonly GraphicCharacterSet KsX1001 = new(
        "ISO-IR 149",
        CodeElement.G1,
        true,
        [Esc, 0x24, 0x29, 0x43],
        () => CodeTables.DoubleByte(949, static (row, cell) => [(byte)(row | 0x80), (byte)(cell | 0x80)]));

    /// <summary>ISO-IR 58, GB 2312, in G1: ESC $ ) A. Two punctuation marks follow GB 2312, not Windows' code page 936.</summary>
    public static readonly GraphicCharacterSet Gb2312 = new(
        "ISO-IR 58",
        CodeElement.G1,
        true,
        [Esc, 0x24, 0x29, 0x41],
        () => CodeTables.DoubleByte(
            936,
            static (row, cell) => [(byte)(row | 0x80), (byte)(cell | 0x80)],
            (0x2124, '\u30FB'),
            (0x212A, '\u2015')));

    /// <summary>
    /// Reads the escape sequence at the start of <paramref name="bytes"/> (ESC, intermediate bytes 0x20-0x2F,
    /// a final byte 0x30-0x7E; ISO 2022 13.2). <paramref name="length"/> is its length even when the sequence is
    /// not one DICOM knows (then <paramref name="set"/> is null); 0 when the bytes are not a whole sequence.
    /// </summary>
    public static bool TryReadEscape(ReadOnlySpan<byte> bytes, out GraphicCharacterSet? set, out int length)
    {
        set = null;
        length = 0;
        var i = 1;
        while (i < bytes.Length && bytes[i] is >= 0x20 and <= 0x2F)
        {
            i++;
        }

        if (i == 1 || i >= bytes.Length || bytes[i] is < 0x30 or > 0x7E)
        {
            return false;
        }

        length = i + 1;
        set = length switch
        {
            3 => (bytes[1], bytes[2]) switch
            {
                (0x28, 0x42) => Ascii,
                (0x28, 0x4A) => JisRomaji,
                (0x29, 0x49) => JisKatakana,
                (0x24, 0x42) => JisX0208,
                (0x2D, var final) => SingleByteG1(final),
                _ => null,
            },
            4 when bytes[1] == 0x24 => (bytes[2], bytes[3]) switch
            {
                (0x28, 0x44) => JisX0212,
                (0x29, 0x43) => KsX1001,
                (0x29, 0x41) => Gb2312,
                _ => null,
            },
            _ => null,
        };
        return set is not null;
    }

    /// <summary>The 96-character sets designated to G1 by ESC - F (PS3.3 Table C.12-3).</summary>
    private static GraphicCharacterSet? SingleByteG1(byte final) => final switch
    {
        (byte)'A' => Latin1,
        (byte)'B' => Latin2,
        (byte)'C' => Latin3,
        (byte)'D' => Latin4,
        (byte)'L' => Cyrillic,
        (byte)'G' => Arabic,
        (byte)'F' => Greek,
        (byte)'H' => Hebrew,
        (byte)'M' => Latin5,
        (byte)'b' => Latin9,
        (byte)'T' => Thai,
        _ => null,
    };

    private static GraphicCharacterSet Upper(string name, char finalByte, int codePage, params (byte Code, char Character)[] corrections) =>
        new(name, CodeElement.G1, false, [Esc, 0x2D, (byte)finalByte], () => CodeTables.UpperHalf(codePage, corrections));
}
