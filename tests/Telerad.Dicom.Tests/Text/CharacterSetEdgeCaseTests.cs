using System.Text;
using System.Text.Json.Nodes;

namespace Telerad.Dicom.Tests.Text;

/// <summary>
/// Delimiters that end code extensions (PS3.5 6.1.2.5.3), odd and malformed input, unknown terms, and our encoder's
/// output read back by pydicom. Where pydicom's reading of ill-formed input is reasonable it is the oracle; where
/// we deliberately differ the expectation is written out by hand with its reason.
/// </summary>
public class CharacterSetEdgeCaseTests
{
    private const byte Esc = 0x1B;

    /// <summary>(name, terms, VR, bytes) that pydicom must decode exactly as we do.</summary>
    public static TheoryData<string, string[], DicomVR, byte[]> PydicomCases() => new()
    {
        // G1 goes back to its initial (undefined: Latin-1 fallback) state at '^' in a PN.
        { "KS X 1001 ends at ^", ["", "ISO 2022 IR 149"], DicomVR.PN, [.. "Hong^"u8, Esc, 0x24, 0x29, 0x43, 0xFB, 0xF3, (byte)'^', 0xD1, 0xCE] },

        // ... and at '=' between component groups.
        { "KS X 1001 ends at =", ["", "ISO 2022 IR 149"], DicomVR.PN, [Esc, 0x24, 0x29, 0x43, 0xFB, 0xF3, (byte)'=', 0xD1, 0xCE] },

        // ... and at CR and LF in a text value.
        { "KS X 1001 ends at CR LF", ["", "ISO 2022 IR 149"], DicomVR.LT, [Esc, 0x24, 0x29, 0x43, 0xB1, 0xE8, 0x0D, 0x0A, 0xB1, 0xE8] },

        // ... and at TAB and FF.
        { "Greek ends at TAB", ["ISO 2022 IR 100", "ISO 2022 IR 126"], DicomVR.ST, [Esc, 0x2D, 0x46, 0xC4, 0x09, 0xC4, 0x0C, 0xE9] },

        // '\' separates values of a multi-valued VR: each value starts in the initial state (Latin-1 here).
        { "Greek ends at backslash", ["ISO 2022 IR 100", "ISO 2022 IR 126"], DicomVR.LO, [Esc, 0x2D, 0x46, 0xC4, 0xE9, (byte)'\\', 0xC4, 0xE9] },

        // Several sets in one value, switched by escape sequences.
        { "Latin-1, Greek, Cyrillic", ["ISO 2022 IR 100", "ISO 2022 IR 126", "ISO 2022 IR 144"], DicomVR.LO, [0xE9, Esc, 0x2D, 0x46, 0xC4, Esc, 0x2D, 0x4C, 0xBB, 0x20, Esc, 0x2D, 0x41, 0xE9] },

        // JIS X 0208 and JIS X 0212 in one value, back to ASCII before the end.
        { "JIS X 0208 and 0212", ["", "ISO 2022 IR 87", "ISO 2022 IR 159"], DicomVR.LO, [Esc, 0x24, 0x42, 0x3B, 0x33, Esc, 0x24, 0x28, 0x44, 0x30, 0x21, Esc, 0x28, 0x42, (byte)'A'] },

        // Half-width katakana in G1 next to ASCII in G0, no escapes at all.
        { "JIS X 0201 katakana", ["ISO_IR 13"], DicomVR.SH, [0xD4, 0xCF, 0xC0, 0xDE, (byte)'1', (byte)'2'] },

        // An empty value 1 with an explicit ISO 2022 IR 6.
        { "ISO 2022 IR 6 explicitly", ["ISO 2022 IR 6", "ISO 2022 IR 87"], DicomVR.PN, [.. "Ab^"u8, Esc, 0x24, 0x42, 0x24, 0x64, Esc, 0x28, 0x42] },

        // A term we do not know: default repertoire, Latin-1 for high bytes (pydicom falls back the same way).
        { "unknown term", ["ISO_IR 999"], DicomVR.PN, [.. "Buc^J"u8, 0xE9, (byte)'r', 0xF4, (byte)'m', (byte)'e'] },

        // A stand-alone set after value 1 is ignored; value 1 decides.
        { "UTF-8 as value 2 is ignored", ["ISO_IR 100", "ISO_IR 192"], DicomVR.LO, [0xC3, 0xA9] },
        { "values after UTF-8 are ignored", ["ISO_IR 192", "ISO 2022 IR 87"], DicomVR.LO, [0xC3, 0xA9] },

        // Invalid UTF-8 becomes U+FFFD.
        { "invalid UTF-8", ["ISO_IR 192"], DicomVR.LO, [(byte)'a', 0xC3, (byte)'b', 0xFF] },

        // An escape sequence DICOM does not define stays in the text.
        { "unknown escape sequence", ["", "ISO 2022 IR 87"], DicomVR.LO, [(byte)'a', Esc, 0x28, 0x5A, (byte)'b', (byte)'c'] },

        { "GB18030 padded", ["GB18030"], DicomVR.LO, [0xCD, 0xF5, (byte)' ', (byte)' '] },

        { "empty value", ["", "ISO 2022 IR 87"], DicomVR.PN, [] },
        { "only padding", ["ISO_IR 100"], DicomVR.LO, [(byte)' ', (byte)' '] },
        { "NUL padding", ["ISO_IR 100"], DicomVR.LO, [(byte)'A', 0x00] },
        { "multi-valued PN", ["ISO_IR 100"], DicomVR.PN, [.. "Buc^J"u8, 0xE9, (byte)'\\', .. "Doe^John"u8] },
    };

    /// <summary>pydicom's answers for all cases at once (one Python start instead of one per case).</summary>
    private static readonly Lazy<Dictionary<string, JsonNode>> PydicomAnswers = new(() =>
    {
        var cases = PydicomCases().Select(row => ((string)row[0], (string[])row[1], (DicomVR)row[2], (byte[])row[3])).ToList();
        var answers = PydicomOracle.Decode(cases.Select(c => (c.Item2, c.Item3, c.Item4)));
        return cases.Select((c, i) => (c.Item1, answers[i]!)).ToDictionary(p => p.Item1, p => p.Item2);
    });

    private static readonly Lazy<Dictionary<string, JsonNode>> PydicomReadBack = new(() =>
    {
        var cases = EncodingCases().Select(row => ((string[])row[0], (DicomVR)row[1], (string)row[2])).ToList();
        var answers = PydicomOracle.Decode(cases.Select(c => (c.Item1, c.Item2, DicomCharacterSet.FromSpecificCharacterSet(c.Item1).Encode(c.Item3, c.Item2))));
        return cases.Select((c, i) => (Key(c.Item1, c.Item3), answers[i]!)).ToDictionary(p => p.Item1, p => p.Item2);
    });

    [Theory]
    [MemberData(nameof(PydicomCases))]
    public void Decoding_matches_pydicom(string name, string[] terms, DicomVR vr, byte[] bytes)
    {
        var expected = PydicomAnswers.Value[name];
        var ours = DicomCharacterSet.FromSpecificCharacterSet(terms).Decode(bytes, vr);
        Assert.True(
            PydicomOracle.Normalize(expected, vr) == PydicomOracle.Normalize(ours, vr),
            $"{name}: pydicom '{PydicomOracle.Normalize(expected, vr)}', ours '{PydicomOracle.Normalize(ours, vr)}'");
    }

    public static TheoryData<string[], DicomVR, string> EncodingCases() => new()
    {
        { ["", "ISO 2022 IR 87"], DicomVR.PN, "Yamada^Tarou=山田^太郎=やまだ^たろう" },
        { ["ISO 2022 IR 13", "ISO 2022 IR 87"], DicomVR.PN, "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう" },
        { ["", "ISO 2022 IR 87", "ISO 2022 IR 159"], DicomVR.LO, "山田 丂 tarou" },
        { ["ISO 2022 IR 13", "ISO 2022 IR 87"], DicomVR.LT, "ｶﾀｶﾅ 片仮名\r\nかたかな 123\r\n" },
        { ["", "ISO 2022 IR 149"], DicomVR.LT, "김희중 환자\r\n두 번째 줄 洪 A" },
        { ["", "ISO 2022 IR 149"], DicomVR.PN, "Hong^Gildong=洪^吉洞=홍^길동" },

        // No ISO 2022 IR 58 case: pydicom 2.3 leaves its escape sequence in the text (Python's gb2312 codec does not
        // know it). The byte-exact Annex K examples in StandardExampleTests cover it instead.
        { ["ISO 2022 IR 100", "ISO 2022 IR 126", "ISO 2022 IR 144"], DicomVR.LO, "Jérôme Διονυσιος Люксембург é" },
        { ["ISO 2022 IR 100", "ISO 2022 IR 101"], DicomVR.SH, "Łódź Müller" },
        { ["ISO_IR 100"], DicomVR.PN, "Äneas^Rüdiger" },
        { ["ISO_IR 144"], DicomVR.LO, "Люксембург" },
        { ["ISO_IR 127"], DicomVR.PN, "قباني^لنزار" },
        { ["ISO_IR 138"], DicomVR.PN, "שרון^דבורה" },
        { ["ISO_IR 166"], DicomVR.LO, "สวัสดี" },
        { ["ISO_IR 192"], DicomVR.PN, "Wang^XiaoDong=王^小東" },
        { ["GB18030"], DicomVR.PN, "Wang^XiaoDong=王^小东" },
        { ["GBK"], DicomVR.LO, "王小东\\张" },
    };

    [Theory]
    [MemberData(nameof(EncodingCases))]
    public void What_we_encode_pydicom_reads_back(string[] terms, DicomVR vr, string text)
    {
        var expected = PydicomOracle.Normalize(text, vr);
        var pydicom = PydicomOracle.Normalize(PydicomReadBack.Value[Key(terms, text)], vr);
        Assert.Equal(expected, pydicom);
    }

    private static string Key(string[] terms, string text) => string.Join('\\', terms) + "|" + text;

    [Theory]
    [InlineData("GBK")]
    [InlineData("GB18030")]
    public void A_second_byte_0x5C_is_part_of_its_character_not_a_value_delimiter(string term)
    {
        // 0x81 0x5C is U+4E57 in GBK and GB18030 (per Python's codecs). Splitting the bytes at 0x5C before decoding,
        // as pydicom does, would break it; we decode first and split the text.
        var dataset = new DicomDataset()
            .SetString(DicomTags.SpecificCharacterSet, term)
            .Set(new DicomElement(DicomTags.InstitutionName, DicomVR.LO, new byte[] { 0x81, 0x5C, (byte)'\\', (byte)'A' }));
        Assert.Equal(["\u4E57", "A"], dataset.GetStrings(DicomTags.InstitutionName));
    }

    [Fact]
    public void A_0x5C_inside_a_JIS_X_0208_character_is_not_a_value_delimiter()
    {
        // In JIS X 0208 (G0, two 7-bit bytes) 0x5C can be either byte of a character: 0x48 0x5C is U+5351 (Python's
        // iso2022_jp agrees; see CodeTableTests). Only a '\' in a single-byte G0 set separates values.
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet(["", "ISO 2022 IR 87"]);
        byte[] bytes = [Esc, 0x24, 0x42, 0x48, 0x5C, Esc, 0x28, 0x42, (byte)'\\', (byte)'A'];
        Assert.Equal(["\u5351", "A"], DicomText.SplitValues(characterSet.Decode(bytes, DicomVR.LO), DicomVR.LO));
    }

    [Fact]
    public void Unknown_and_misspelt_terms_are_reported_not_fatal()
    {
        var unknown = DicomCharacterSet.FromSpecificCharacterSet(["ISO_IR 999"]);
        Assert.False(unknown.IsFullySupported);
        Assert.Single(unknown.Warnings);
        Assert.Equal("Bucé", unknown.Decode([.. "Buc"u8, 0xE9], DicomVR.PN));

        var misspelt = DicomCharacterSet.FromSpecificCharacterSet(["ISO-IR 100"]);
        Assert.True(misspelt.IsFullySupported);
        Assert.Single(misspelt.Warnings);
        Assert.Equal("Buc^Jérôme", misspelt.Decode([.. "Buc^J"u8, 0xE9, (byte)'r', 0xF4, .. "me"u8], DicomVR.PN));

        Assert.True(DicomCharacterSet.FromSpecificCharacterSet(["utf-8"]).IsUnicode);
        Assert.True(DicomCharacterSet.FromSpecificCharacterSet(["ISO_IR 192", "GB18030"]).Warnings.Count == 1);
        Assert.Empty(DicomCharacterSet.FromSpecificCharacterSet(["", "ISO 2022 IR 87"]).Warnings);
    }

    [Fact]
    public void Known_escape_sequences_decode_even_when_the_term_is_not_declared()
    {
        // Deliberately more lenient than pydicom (which keeps the raw bytes): the escape sequence says exactly
        // which set follows, and the name is worth more to a reader than the declaration's slip.
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet(["", "ISO 2022 IR 149"]);
        byte[] bytes = [Esc, 0x24, 0x42, 0x3B, 0x33, 0x45, 0x44, Esc, 0x28, 0x42];
        Assert.Equal("山田", characterSet.Decode(bytes, DicomVR.PN));
    }

    [Theory]
    [InlineData(new byte[] { Esc, 0x24, 0x42, 0x3B }, "\uFFFD")] // a lone first byte of a JIS X 0208 character
    [InlineData(new byte[] { Esc, 0x24, 0x42, 0x3B, 0x0A }, "\uFFFD\n")]
    [InlineData(new byte[] { Esc, 0x24, 0x29, 0x43, 0xB1 }, "\uFFFD")] // a lone first byte of a KS X 1001 character
    [InlineData(new byte[] { Esc, 0x24, 0x29, 0x43, 0xB1, (byte)'a' }, "\uFFFDa")]
    [InlineData(new byte[] { Esc }, "\u001b")] // a lone ESC at the end
    [InlineData(new byte[] { Esc, 0x24 }, "\u001b$")] // an escape sequence cut short
    [InlineData(new byte[] { (byte)'a', 0xE9 }, "aé")] // no G1 designated: Latin-1
    public void Malformed_input_decodes_without_throwing(byte[] bytes, string expected)
    {
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet(["", "ISO 2022 IR 87", "ISO 2022 IR 149"]);
        Assert.Equal(expected, characterSet.Decode(bytes, DicomVR.LO));
    }

    [Fact]
    public void Random_bytes_never_make_any_character_set_throw()
    {
        var random = new Random(20260512);
        var sets = new[]
        {
            new[] { "ISO_IR 100" }, ["ISO_IR 13"], ["ISO_IR 192"], ["GB18030"], ["GBK"], ["", "ISO 2022 IR 87", "ISO 2022 IR 159"],
            ["ISO 2022 IR 13", "ISO 2022 IR 87"], ["", "ISO 2022 IR 149"], ["", "ISO 2022 IR 58"], ["ISO 2022 IR 100", "ISO 2022 IR 126"], ["bogus"],
        }.Select(DicomCharacterSet.FromSpecificCharacterSet).ToArray();
        var buffer = new byte[64];
        for (var i = 0; i < 20_000; i++)
        {
            random.NextBytes(buffer);
            if (i % 3 == 0)
            {
                buffer[random.Next(buffer.Length)] = Esc; // make escape sequences likely
            }

            var length = random.Next(buffer.Length + 1);
            foreach (var set in sets)
            {
                foreach (var vr in new[] { DicomVR.PN, DicomVR.LO, DicomVR.LT })
                {
                    Assert.True(set.Decode(buffer.AsSpan(0, length), vr).Length <= length);
                }
            }
        }
    }

    [Fact]
    public void Characters_outside_the_repertoire_are_refused_without_echoing_them()
    {
        var latin1 = DicomCharacterSet.FromSpecificCharacterSet(["ISO_IR 100"]);
        Assert.False(latin1.CanEncode("Διονυσιος"));
        var error = Assert.Throws<ArgumentException>(() => latin1.Encode("AΔ", DicomVR.PN));
        Assert.Contains("index 1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Δ", error.Message, StringComparison.Ordinal);

        // Without code extensions a single-valued set may not switch: Greek needs (0008,0005) to list ISO 2022 IR 126.
        Assert.False(DicomCharacterSet.FromSpecificCharacterSet(["ISO 2022 IR 100"]).CanEncode("é Δ"));
        Assert.True(DicomCharacterSet.FromSpecificCharacterSet(["ISO 2022 IR 100", "ISO 2022 IR 126"]).CanEncode("é Δ"));
        Assert.False(DicomCharacterSet.Default.CanEncode("é"));
        Assert.True(DicomCharacterSet.FromSpecificCharacterSet(["ISO_IR 192"]).CanEncode("é Δ 山 😀"));
        Assert.False(DicomCharacterSet.FromSpecificCharacterSet(["ISO_IR 192"]).CanEncode("\uD800"));
    }

    [Fact]
    public void Every_delimiter_returns_to_the_initial_G0_set_before_it_when_encoding()
    {
        // PS3.5 6.1.2.5.3: before CR, LF, TAB, FF, '\' (and '^', '=' in PN) the initial set must be active again.
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet(["", "ISO 2022 IR 87"]);
        foreach (var (delimiter, vr) in new[] { ('\r', DicomVR.LT), ('\n', DicomVR.LT), ('\t', DicomVR.ST), ('\f', DicomVR.LT), ('\\', DicomVR.LO), ('^', DicomVR.PN), ('=', DicomVR.PN) })
        {
            var bytes = characterSet.Encode($"山{delimiter}山", vr);
            var at = Array.IndexOf(bytes, (byte)delimiter);
            Assert.True(at >= 3, $"{(int)delimiter:X2}");
            Assert.Equal(new byte[] { Esc, 0x28, 0x42 }, bytes[(at - 3)..at]);
            Assert.Equal(new byte[] { Esc, 0x24, 0x42 }, bytes[(at + 1)..(at + 4)]);
        }
    }

    [Fact]
    public void Decoding_ascii_allocates_only_the_result()
    {
        var characterSets = new[]
        {
            DicomCharacterSet.Default,
            DicomCharacterSet.FromSpecificCharacterSet(["ISO_IR 100"]),
            DicomCharacterSet.FromSpecificCharacterSet(["ISO_IR 192"]),
            DicomCharacterSet.FromSpecificCharacterSet(["", "ISO 2022 IR 87"]),
        };
        var bytes = Encoding.ASCII.GetBytes("DOE^JOHN^^^ 1234567890 ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmn");
        foreach (var characterSet in characterSets)
        {
            characterSet.Decode(bytes, DicomVR.PN); // warm up
            var baseline = Measure(() => _ = new string('x', bytes.Length));
            var decoding = Measure(() => _ = characterSet.Decode(bytes, DicomVR.PN));
            Assert.True(decoding <= baseline, $"{characterSet}: {decoding} bytes allocated, a string of that length takes {baseline}");
        }

        static long Measure(Action action)
        {
            action();
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                action();
            }

            return (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        }
    }
}
