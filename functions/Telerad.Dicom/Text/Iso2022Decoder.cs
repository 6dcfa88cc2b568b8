using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Telerad.Dicom;

/// <summary>
/// Decodes text that may use ISO 2022 code extensions (PS3.5 6.1.2.4-6.1.2.5): escape sequences designate sets
/// to G0 (GL bytes 0x21-0x7E) and G1 (GR bytes 0xA0-0xFF), and the initial designations come back at the
/// delimiters of PS3.5 6.1.2.5.3. Decoding never fails: bytes that no designated set assigns become U+FFFD,
/// and high bytes with nothing designated to G1 are read as Latin-1.
/// </summary>
[SkipLocalsInit]
internal static class Iso2022Decoder
{
    private const byte Esc = 0x1B;
    private const int StackLimit = 256;

    public static string Decode(ReadOnlySpan<byte> bytes, DicomVR vr, GraphicCharacterSet initialG0, GraphicCharacterSet? initialG1)
    {
        var hasEscape = bytes.Contains(Esc);
        if (!hasEscape && initialG1 is null)
        {
            return Encoding.Latin1.GetString(bytes);
        }

        if (!hasEscape && !initialG1!.IsDoubleByte)
        {
            // The common 8-bit case: one table, no state, written straight into the result.
            return string.Create(bytes.Length, new SingleByteInput(bytes, initialG1.Table), static (output, input) => MapSingleBytes(input.Bytes, input.Table, output));
        }

        // Every byte yields at most one character, so the input length bounds the output.
        char[]? rented = null;
        var buffer = bytes.Length <= StackLimit ? stackalloc char[bytes.Length] : (rented = ArrayPool<char>.Shared.Rent(bytes.Length));
        try
        {
            var count = Run(bytes, vr, initialG0, initialG1, buffer);
            return new string(buffer[..count]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static void MapSingleBytes(ReadOnlySpan<byte> bytes, char[] table, Span<char> output)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            output[i] = table[bytes[i]];
        }
    }

    private static int Run(ReadOnlySpan<byte> bytes, DicomVR vr, GraphicCharacterSet initialG0, GraphicCharacterSet? initialG1, Span<char> output)
    {
        var multiValued = !DicomVRInfo.IsSingleValuedText(vr);
        var personName = vr == DicomVR.PN;
        var g0 = initialG0;
        var g1 = initialG1;
        var n = 0;
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b == Esc)
            {
                if (GraphicCharacterSets.TryReadEscape(bytes[i..], out var set, out var length))
                {
                    if (set!.Element == CodeElement.G0)
                    {
                        g0 = set;
                    }
                    else
                    {
                        g1 = set;
                    }

                    i += length;
                    continue;
                }

                // An escape sequence DICOM does not define: keep it visible rather than guess.
                output[n++] = (char)b;
                i++;
                continue;
            }

            if (b < 0x21 || b == 0x7F)
            {
                // Space, DEL and the C0 controls. Every control but ESC ends a code extension (PS3.5 6.1.2.5.3).
                if (b < 0x20)
                {
                    g0 = initialG0;
                    g1 = initialG1;
                }

                output[n++] = (char)b;
                i++;
                continue;
            }

            if (b < 0x80)
            {
                if (g0.IsDoubleByte)
                {
                    if (i + 1 < bytes.Length && bytes[i + 1] is >= 0x21 and <= 0x7E)
                    {
                        output[n++] = g0.DecodeDoubleByte(b, bytes[i + 1]);
                        i += 2;
                    }
                    else
                    {
                        output[n++] = CodeTables.Unassigned;
                        i++;
                    }

                    continue;
                }

                if ((b == (byte)'\\' && multiValued) || (personName && b is (byte)'^' or (byte)'='))
                {
                    g0 = initialG0;
                    g1 = initialG1;
                }

                output[n++] = (char)b;
                i++;
                continue;
            }

            if (b < 0xA0 || g1 is null)
            {
                // C1 controls; or nothing in G1, where Latin-1 is the most useful guess.
                output[n++] = (char)b;
                i++;
                continue;
            }

            if (!g1.IsDoubleByte)
            {
                output[n++] = g1.Table[b];
                i++;
                continue;
            }

            if (b is >= 0xA1 and <= 0xFE && i + 1 < bytes.Length && bytes[i + 1] is >= 0xA1 and <= 0xFE)
            {
                output[n++] = g1.DecodeDoubleByte(b, bytes[i + 1]);
                i += 2;
            }
            else
            {
                output[n++] = CodeTables.Unassigned;
                i++;
            }
        }

        return n;
    }

    /// <summary>What <see cref="string.Create{TState}(int, TState, System.Buffers.SpanAction{char, TState})"/> needs to map bytes through a table.</summary>
    private readonly ref struct SingleByteInput(ReadOnlySpan<byte> bytes, char[] table)
    {
        public ReadOnlySpan<byte> Bytes { get; } = bytes;

        public char[] Table { get; } = table;
    }
}
