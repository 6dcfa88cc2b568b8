using System.Text;

namespace Telerad.Dicom;

/// <summary>
/// Builds the decoding tables of <see cref="GraphicCharacterSet"/> from the code pages that ship with .NET
/// (System.Text.Encoding.CodePages, part of the shared framework), then applies the few corrections where a
/// Windows code page departs from the ISO / JIS / KS / GB character set that DICOM names. The corrections follow
/// the Unicode consortium's mapping tables (8859-7, 8859-8, JIS0208, JIS0212, GB2312); the tests check every
/// table entry against Python's codecs.
/// </summary>
internal static class CodeTables
{
    /// <summary>Marks a code the set does not assign.</summary>
    public const char Unassigned = '\uFFFD';

    private static readonly DecoderFallback Replacement = new DecoderReplacementFallback("\uFFFD");

    /// <summary>A code page with U+FFFD for undecodable input and an exception for unencodable text.</summary>
    public static Encoding GetEncoding(int codePage)
    {
        return CodePagesEncodingProvider.Instance.GetEncoding(codePage, EncoderFallback.ExceptionFallback, Replacement)
            ?? Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, Replacement);
    }

    /// <summary>
    /// A 256-entry table for an ISO 8859 set designated to G1: 0x00-0x9F map to themselves (GL and the C1
    /// controls), 0xA0-0xFF come from <paramref name="codePage"/>. Private-use characters, which Windows uses for
    /// positions the ISO set leaves empty, become <see cref="Unassigned"/>.
    /// </summary>
    public static char[] UpperHalf(int codePage, params (byte Code, char Character)[] corrections)
    {
        var table = Identity();
        var encoding = GetEncoding(codePage);
        Span<char> decoded = stackalloc char[4];
        for (var b = 0xA0; b <= 0xFF; b++)
        {
            var count = encoding.GetChars([(byte)b], decoded);
            var c = count == 1 ? decoded[0] : Unassigned;
            table[b] = c is >= '\uE000' and <= '\uF8FF' ? Unassigned : c;
        }

        foreach (var (code, character) in corrections)
        {
            table[code] = character;
        }

        return table;
    }

    /// <summary>JIS X 0201 katakana (ISO-IR 13) in G1: 0xA1-0xDF are the half-width katakana U+FF61-U+FF9F.</summary>
    public static char[] Katakana()
    {
        var table = Identity();
        for (var b = 0xA0; b <= 0xFF; b++)
        {
            table[b] = b is >= 0xA1 and <= 0xDF ? (char)(0xFF61 + (b - 0xA1)) : Unassigned;
        }

        return table;
    }

    /// <summary>
    /// A 94 x 94 table. <paramref name="encode"/> turns a row and cell (each 0x21-0x7E) into the bytes that
    /// <paramref name="codePage"/> uses for that code (EUC form, with high bits set as that code page wants).
    /// </summary>
    public static char[] DoubleByte(int codePage, Func<int, int, byte[]> encode, params (ushort Code, char Character)[] corrections)
    {
        var table = new char[GraphicCharacterSet.DoubleByteTableSize];
        var encoding = GetEncoding(codePage);
        Span<char> decoded = stackalloc char[4];
        for (var row = 0x21; row <= 0x7E; row++)
        {
            for (var cell = 0x21; cell <= 0x7E; cell++)
            {
                var count = encoding.GetChars(encode(row, cell), decoded);
                var c = count == 1 ? decoded[0] : Unassigned;
                table[((row - 0x21) * 94) + (cell - 0x21)] = c is >= '\uE000' and <= '\uF8FF' ? Unassigned : c;
            }
        }

        foreach (var (code, character) in corrections)
        {
            table[GraphicCharacterSet.DoubleByteIndex((byte)(code >> 8), (byte)code)] = character;
        }

        return table;
    }

    private static char[] Identity()
    {
        var table = new char[256];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = (char)i;
        }

        return table;
    }
}
