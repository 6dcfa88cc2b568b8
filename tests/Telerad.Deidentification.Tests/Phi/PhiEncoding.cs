using System.Text;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>How a planted value's bytes are encoded, and what the scanner searches for.</summary>
public enum PhiEncoding
{
    /// <summary>The default repertoire (ISO-IR 6); the same bytes as UTF-8 and Latin-1 for ASCII text.</summary>
    Ascii,
    Latin1,
    Utf8,
    Utf16LE,
    Utf16BE,

    /// <summary>JIS X 0208 as ISO 2022 IR 87 carries it (7-bit bytes after ESC $ B); the scanner looks for the bytes without escapes.</summary>
    Iso2022Jis,
    ShiftJis,
    EucJp,
}

/// <summary>
/// Text to bytes for every <see cref="PhiEncoding"/>, with no use of Telerad.Dicom's own encoder (which is
/// what the engine may use): .NET's Latin-1/UTF encoders, and for Japanese the JIS X 0208 codes that PS3.5
/// Annex H prints for its example, with Shift-JIS and EUC-JP derived from them by the JIS X 0208 rules.
/// The sanity tests check these against Python's codecs.
/// </summary>
public static class PhiText
{
    /// <summary>JIS X 0208 row/cell of the characters of the Annex H example name (PS3.5 H.3.1).</summary>
    private static readonly Dictionary<char, (byte Row, byte Cell)> Jis = new()
    {
        ['山'] = (0x3B, 0x33),
        ['田'] = (0x45, 0x44),
        ['太'] = (0x42, 0x40),
        ['郎'] = (0x4F, 0x3A),
        ['や'] = (0x24, 0x64),
        ['ま'] = (0x24, 0x5E),
        ['だ'] = (0x24, 0x40),
        ['た'] = (0x24, 0x3F),
        ['ろ'] = (0x24, 0x6D),
        ['う'] = (0x24, 0x26),
    };

    public static bool IsAscii(string text) => text.All(c => c < 0x80);

    /// <summary>The bytes of <paramref name="text"/>, or null when the encoding cannot hold it.</summary>
    public static byte[]? TryEncode(string text, PhiEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(text);
        return encoding switch
        {
            PhiEncoding.Ascii => IsAscii(text) ? Encoding.ASCII.GetBytes(text) : null,
            PhiEncoding.Latin1 => text.All(c => c <= 0xFF) ? Encoding.Latin1.GetBytes(text) : null,
            PhiEncoding.Utf8 => Encoding.UTF8.GetBytes(text),
            PhiEncoding.Utf16LE => Encoding.Unicode.GetBytes(text),
            PhiEncoding.Utf16BE => Encoding.BigEndianUnicode.GetBytes(text),
            PhiEncoding.Iso2022Jis => DoubleByte(text, (r, c) => [r, c]),
            PhiEncoding.ShiftJis => DoubleByte(text, ShiftJisOf),
            PhiEncoding.EucJp => DoubleByte(text, (r, c) => [(byte)(r | 0x80), (byte)(c | 0x80)]),
            _ => null,
        };
    }

    public static byte[] Encode(string text, PhiEncoding encoding) =>
        TryEncode(text, encoding) ?? throw new ArgumentException($"'{encoding}' cannot hold the text.", nameof(encoding));

    /// <summary>
    /// A value in ISO 2022 IR 87 with ISO-IR 6 as G0 (Specific Character Set "\ISO 2022 IR 87"): runs of
    /// JIS X 0208 characters between ESC $ B and ESC ( B, everything else ASCII (PS3.5 6.1.2.5.3: each
    /// value and each PN component ends in ISO-IR 6, which switching back before every ASCII run ensures).
    /// </summary>
    public static byte[] EncodeIso2022(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = new List<byte>();
        var inJis = false;
        foreach (var c in text)
        {
            if (Jis.TryGetValue(c, out var code))
            {
                if (!inJis)
                {
                    bytes.AddRange([0x1B, (byte)'$', (byte)'B']);
                    inJis = true;
                }

                bytes.Add(code.Row);
                bytes.Add(code.Cell);
                continue;
            }

            if (c >= 0x80)
            {
                throw new ArgumentException("Only ASCII and the Annex H example characters are planted in ISO 2022.", nameof(text));
            }

            if (inJis)
            {
                bytes.AddRange([0x1B, (byte)'(', (byte)'B']);
                inJis = false;
            }

            bytes.Add((byte)c);
        }

        if (inJis)
        {
            bytes.AddRange([0x1B, (byte)'(', (byte)'B']);
        }

        return [.. bytes];
    }

    private static byte[]? DoubleByte(string text, Func<byte, byte, byte[]> encode)
    {
        var bytes = new List<byte>();
        foreach (var c in text)
        {
            if (!Jis.TryGetValue(c, out var code))
            {
                return null;
            }

            bytes.AddRange(encode(code.Row, code.Cell));
        }

        return [.. bytes];
    }

    /// <summary>JIS X 0208 row/cell to Shift-JIS (JIS X 0208:1997 Annex 1).</summary>
    private static byte[] ShiftJisOf(byte row, byte cell)
    {
        var first = (byte)(((row + 1) >> 1) + (row <= 0x5E ? 0x70 : 0xB0));
        var second = (row & 1) == 1 ? (byte)(cell + (cell >= 0x60 ? 0x20 : 0x1F)) : (byte)(cell + 0x7E);
        return [first, second];
    }
}
