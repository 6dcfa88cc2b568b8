using System.Buffers;
using System.Text;

namespace Telerad.Dicom;

/// <summary>
/// Encodes text with the sets of a Specific Character Set, using ISO 2022 escape sequences when (0008,0005) is
/// multi-valued (PS3.5 6.1.2.5). Before every delimiter of PS3.5 6.1.2.5.3 and at the end of the value the initial
/// G0 set is active again, and after a delimiter the encoder designates again whatever it needs, as the decoders
/// of PS3.5 Annexes H, I and K expect (each name component starts in the initial state).
/// </summary>
internal static class Iso2022Encoder
{
    /// <summary>
    /// Encodes <paramref name="text"/>; false (with the index of the first character no set has) when a character
    /// cannot be encoded. <paramref name="extensions"/> is null when code extensions are not allowed.
    /// </summary>
    public static bool TryEncode(
        string text,
        DicomVR vr,
        GraphicCharacterSet initialG0,
        GraphicCharacterSet? initialG1,
        IReadOnlyList<GraphicCharacterSet>? extensions,
        out byte[] bytes,
        out int failedIndex)
    {
        failedIndex = -1;
        if (Ascii.IsValid(text))
        {
            // The initial G0 is always ASCII-compatible here, and no delimiter needs an escape in front of it.
            bytes = Encoding.ASCII.GetBytes(text);
            return true;
        }

        var multiValued = !DicomVRInfo.IsSingleValuedText(vr);
        var personName = vr == DicomVR.PN;
        var output = new ArrayBufferWriter<byte>(text.Length * 2);
        var g0 = initialG0;
        var g1 = initialG1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80)
            {
                var isDelimiter = (c < 0x20 && c != '\x1b') || (c == '\\' && multiValued) || (personName && c is '^' or '=');
                // Spaces too: ISO-2022-JP decoders (Python's, for one) refuse SPACE while a double-byte set is in G0.
                if (g0 != initialG0 && (isDelimiter || (c >= ' ' && c != '\x7F')))
                {
                    Write(output, initialG0.Escape);
                    g0 = initialG0;
                }

                Write(output, (byte)c);
                if (isDelimiter)
                {
                    g1 = initialG1;
                }

                continue;
            }

            if (!TryFindSet(c, g0, g1, initialG1, extensions, out var set, out var code))
            {
                bytes = [];
                failedIndex = i;
                return false;
            }

            if (set.Element == CodeElement.G1)
            {
                if (set != g1)
                {
                    Write(output, set.Escape);
                    g1 = set;
                }

                if (set.IsDoubleByte)
                {
                    Write(output, (byte)((code >> 8) | 0x80));
                    Write(output, (byte)(code | 0x80));
                }
                else
                {
                    Write(output, (byte)code);
                }
            }
            else
            {
                if (set != g0)
                {
                    Write(output, set.Escape);
                    g0 = set;
                }

                Write(output, (byte)(code >> 8));
                Write(output, (byte)code);
            }
        }

        if (g0 != initialG0)
        {
            Write(output, initialG0.Escape);
        }

        bytes = output.WrittenSpan.ToArray();
        return true;
    }

    /// <summary>Prefers the sets already designated (no escape needed), then the initial G1, then the other values in order.</summary>
    private static bool TryFindSet(
        char c,
        GraphicCharacterSet g0,
        GraphicCharacterSet? g1,
        GraphicCharacterSet? initialG1,
        IReadOnlyList<GraphicCharacterSet>? extensions,
        out GraphicCharacterSet set,
        out ushort code)
    {
        if (g1 is not null && g1.TryEncode(c, out code))
        {
            set = g1;
            return true;
        }

        if (g0.IsDoubleByte && g0.TryEncode(c, out code))
        {
            set = g0;
            return true;
        }

        if (initialG1 is not null && initialG1.TryEncode(c, out code))
        {
            set = initialG1;
            return true;
        }

        if (extensions is not null)
        {
            foreach (var candidate in extensions)
            {
                if (candidate.TryEncode(c, out code))
                {
                    set = candidate;
                    return true;
                }
            }
        }

        set = null!;
        code = 0;
        return false;
    }

    private static void Write(ArrayBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void Write(ArrayBufferWriter<byte> output, byte[] values) => output.Write(values);
}
