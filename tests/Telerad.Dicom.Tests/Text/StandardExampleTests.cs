using System.Globalization;

namespace Telerad.Dicom.Tests.Text;

/// <summary>
/// The byte-level examples of PS3.5 Annexes H (Japanese), I (Korean), J (UTF-8, GB18030, GBK) and K (GB 2312):
/// the standard's bytes must decode to the standard's text, and our encoder must produce the standard's bytes.
/// Bytes are written as the standard writes them (column/row for H and I, hex for J and K).
/// </summary>
public class StandardExampleTests
{
    public static TheoryData<string, string[], string, string> PersonNameExamples() => new()
    {
        {
            "H.3-1",
            ["", "ISO 2022 IR 87"],
            "Yamada^Tarou=山田^太郎=やまだ^たろう",
            "05/09 06/01 06/13 06/01 06/04 06/01 05/14 05/04 06/01 07/02 06/15 07/05 03/13 01/11 02/04 04/02 03/11 03/03 04/05 04/04 " +
            "01/11 02/08 04/02 05/14 01/11 02/04 04/02 04/02 04/00 04/15 03/10 01/11 02/08 04/02 03/13 01/11 02/04 04/02 02/04 06/04 " +
            "02/04 05/14 02/04 04/00 01/11 02/08 04/02 05/14 01/11 02/04 04/02 02/04 03/15 02/04 06/13 02/04 02/06 01/11 02/08 04/02"
        },
        {
            "H.3-2",
            ["ISO 2022 IR 13", "ISO 2022 IR 87"],
            "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう",
            "13/04 12/15 12/00 13/14 05/14 12/00 13/11 11/03 03/13 01/11 02/04 04/02 03/11 03/03 04/05 04/04 01/11 02/08 04/10 05/14 " +
            "01/11 02/04 04/02 04/02 04/00 04/15 03/10 01/11 02/08 04/10 03/13 01/11 02/04 04/02 02/04 06/04 02/04 05/14 02/04 04/00 " +
            "01/11 02/08 04/10 05/14 01/11 02/04 04/02 02/04 03/15 02/04 06/13 02/04 02/06 01/11 02/08 04/10"
        },
        {
            "I.2-1",
            ["", "ISO 2022 IR 149"],
            "Hong^Gildong=洪^吉洞=홍^길동",
            "04/08 06/15 06/14 06/07 05/14 04/07 06/09 06/12 06/04 06/15 06/14 06/07 03/13 01/11 02/04 02/09 04/03 15/11 15/03 05/14 " +
            "01/11 02/04 02/09 04/03 13/01 12/14 13/04 13/07 03/13 01/11 02/04 02/09 04/03 12/08 10/11 05/14 01/11 02/04 02/09 04/03 " +
            "11/01 14/06 11/05 11/15"
        },
        {
            "J.1-1",
            ["ISO_IR 192"],
            "Wang^XiaoDong=王^小東=",
            "0x57 0x61 0x6e 0x67 0x5e 0x58 0x69 0x61 0x6f 0x44 0x6f 0x6e 0x67 0x3d 0xe7 0x8e 0x8b 0x5e 0xe5 0xb0 0x8f 0xe6 0x9d 0xb1 0x3d"
        },
        {
            "J.3-1",
            ["GB18030"],
            "Wang^XiaoDong=王^小东=",
            "0x57 0x61 0x6e 0x67 0x5e 0x58 0x69 0x61 0x6f 0x44 0x6f 0x6e 0x67 0x3d 0xcd 0xf5 0x5e 0xd0 0xa1 0xb6 0xab 0x3d"
        },
        {
            // Annex J: the GB18030 examples hold for GBK too (its characters are in the common area).
            "J.3-1 as GBK",
            ["GBK"],
            "Wang^XiaoDong=王^小东=",
            "0x57 0x61 0x6e 0x67 0x5e 0x58 0x69 0x61 0x6f 0x44 0x6f 0x6e 0x67 0x3d 0xcd 0xf5 0x5e 0xd0 0xa1 0xb6 0xab 0x3d"
        },
        {
            // The example's final 0x20 is the padding to even length.
            "K.2-1",
            ["", "ISO 2022 IR 58"],
            "Zhang^XiaoDong=张^小东=",
            "0x5A 0x68 0x61 0x6E 0x67 0x5E 0x58 0x69 0x61 0x6F 0x44 0x6F 0x6E 0x67 0x3D 0x1B 0x24 0x29 0x41 0xD5 0xC5 0x5E 0x1B 0x24 " +
            "0x29 0x41 0xD0 0xA1 0xB6 0xAB 0x3D 0x20"
        },
    };

    [Theory]
    [MemberData(nameof(PersonNameExamples))]
    public void Example_bytes_decode_to_the_example_text(string example, string[] terms, string text, string encoded)
    {
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet(terms);
        Assert.True(characterSet.IsFullySupported, example);
        var decoded = characterSet.Decode(Bytes(encoded), DicomVR.PN);
        Assert.Equal(text, DicomText.TrimValue(decoded, DicomVR.PN));
    }

    [Theory]
    [MemberData(nameof(PersonNameExamples))]
    public void Encoding_the_example_text_gives_the_example_bytes(string example, string[] terms, string text, string encoded)
    {
        var dataset = new DicomDataset().SetStrings(DicomTags.SpecificCharacterSet, terms).SetString(DicomTags.PatientName, text);
        Assert.True(dataset.TryGetElement(DicomTags.PatientName, out var element), example);
        var expected = Bytes(encoded);
        if (expected.Length % 2 == 1)
        {
            expected = [.. expected, (byte)' ']; // PS3.5 7.1.1: text values are padded to even length with a space
        }

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(element.Value.GetMemory().Span));
        Assert.Equal(text, dataset.GetString(DicomTags.PatientName));
    }

    [Fact]
    public void K_3_long_text_in_GB2312_round_trips()
    {
        // Example K.3-1: every line starts in the initial state, designates GB 2312 to G1 again and ends with CR LF.
        const string text = "1.第一行文字。\r\n2.第二行文字。\r\n3.第三行文字。\r\n";
        var bytes = Bytes(
            "0x31 0x2e 0x1B 0x24 0x29 0x41 0xB5 0xDA 0xD2 0xBB 0xD0 0xD0 0xCE 0xC4 0xD7 0xD6 0xA1 0xA3 0x0D 0x0A " +
            "0x32 0x2e 0x1B 0x24 0x29 0x41 0xB5 0xDA 0xB6 0xFE 0xD0 0xD0 0xCE 0xC4 0xD7 0xD6 0xA1 0xA3 0x0D 0x0A " +
            "0x33 0x2e 0x1B 0x24 0x29 0x41 0xB5 0xDA 0xC8 0xFD 0xD0 0xD0 0xCE 0xC4 0xD7 0xD6 0xA1 0xA3 0x0D 0x0A");
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet(["", "ISO 2022 IR 58"]);
        Assert.Equal(text, characterSet.Decode(bytes, DicomVR.LT));
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(characterSet.Encode(text, DicomVR.LT)));
    }

    [Fact]
    public void Korean_note_that_GR_and_GL_mix_without_escapes_within_a_component()
    {
        // PS3.5 I.2 note 1: once KS X 1001 is in G1, ASCII and Hangul mix freely; the high bit tells them apart.
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet(["", "ISO 2022 IR 149"]);
        byte[] bytes = [0x1B, 0x24, 0x29, 0x43, 0xC8, 0xAB, (byte)'A', 0xB1, 0xE6, (byte)'1'];
        Assert.Equal("홍A길1", characterSet.Decode(bytes, DicomVR.LO));
    }

    /// <summary>Parses "05/09 06/01 ..." (column/row, as PS3.5 writes code points) or "0x57 0x61 ...".</summary>
    internal static byte[] Bytes(string encoded) =>
    [
        .. encoded.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(token => token.Contains('/', StringComparison.Ordinal)
            ? (byte)((int.Parse(token.Split('/')[0], CultureInfo.InvariantCulture) << 4) | int.Parse(token.Split('/')[1], CultureInfo.InvariantCulture))
            : Convert.ToByte(token[2..], 16)),
    ];
}
