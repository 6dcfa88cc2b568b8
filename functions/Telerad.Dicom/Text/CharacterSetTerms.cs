using System.Text;

namespace Telerad.Dicom;

/// <summary>What one Defined Term of Specific Character Set (0008,0005) stands for.</summary>
/// <param name="Term">The term as the standard spells it.</param>
/// <param name="G0">The set it designates to G0 (null: none).</param>
/// <param name="G1">The set it designates to G1 (null: none).</param>
/// <param name="StandAloneCodePage">For ISO_IR 192, GB18030 and GBK, which allow no code extensions: the code page; else 0.</param>
internal sealed record CharacterSetTerm(string Term, GraphicCharacterSet? G0, GraphicCharacterSet? G1, int StandAloneCodePage = 0)
{
    public bool IsStandAlone => StandAloneCodePage != 0;
}

/// <summary>
/// The Defined Terms of PS3.3 C.12.1.1.2: Tables C.12-2 (single-byte, no code extensions), C.12-3 (single-byte
/// with code extensions), C.12-4 (multi-byte with code extensions) and C.12-5 (multi-byte without).
/// </summary>
internal static class CharacterSetTerms
{
    public const int Utf8CodePage = 65001;
    public const int Gb18030CodePage = 54936;
    public const int GbkCodePage = 936;

    private static readonly Dictionary<string, CharacterSetTerm> ByTerm = Build();

    /// <summary>Spellings seen in real files mapped to the Defined Term, keyed by letters and digits only.</summary>
    private static readonly Dictionary<string, string> ByLooseSpelling = BuildLooseSpellings();

    /// <summary>
    /// Finds a term. <paramref name="corrected"/> is true when the spelling was not the standard's but was
    /// recognisable (e.g. "ISO-IR 100", "ISO_IR_100", "UTF-8").
    /// </summary>
    public static bool TryFind(string term, out CharacterSetTerm definition, out bool corrected)
    {
        corrected = false;
        var trimmed = term.Trim();
        if (ByTerm.TryGetValue(trimmed, out definition!))
        {
            return true;
        }

        if (ByLooseSpelling.TryGetValue(Loose(trimmed), out var standard))
        {
            corrected = true;
            definition = ByTerm[standard];
            return true;
        }

        definition = null!;
        return false;
    }

    private static Dictionary<string, CharacterSetTerm> Build()
    {
        var sets = GraphicCharacterSetsByIr();
        var terms = new Dictionary<string, CharacterSetTerm>(StringComparer.Ordinal)
        {
            // The default repertoire. "ISO_IR 6" is not a Defined Term but is common; it means the same.
            [string.Empty] = new(string.Empty, GraphicCharacterSets.Ascii, null),
            ["ISO_IR 6"] = new("ISO_IR 6", GraphicCharacterSets.Ascii, null),
            ["ISO 2022 IR 6"] = new("ISO 2022 IR 6", GraphicCharacterSets.Ascii, null),
            ["ISO_IR 13"] = new("ISO_IR 13", GraphicCharacterSets.JisRomaji, GraphicCharacterSets.JisKatakana),
            ["ISO 2022 IR 13"] = new("ISO 2022 IR 13", GraphicCharacterSets.JisRomaji, GraphicCharacterSets.JisKatakana),
            ["ISO 2022 IR 87"] = new("ISO 2022 IR 87", GraphicCharacterSets.JisX0208, null),
            ["ISO 2022 IR 159"] = new("ISO 2022 IR 159", GraphicCharacterSets.JisX0212, null),
            ["ISO 2022 IR 149"] = new("ISO 2022 IR 149", null, GraphicCharacterSets.KsX1001),
            ["ISO 2022 IR 58"] = new("ISO 2022 IR 58", null, GraphicCharacterSets.Gb2312),
            ["ISO_IR 192"] = new("ISO_IR 192", null, null, Utf8CodePage),
            ["GB18030"] = new("GB18030", null, null, Gb18030CodePage),
            ["GBK"] = new("GBK", null, null, GbkCodePage),
        };

        foreach (var (ir, set) in sets)
        {
            terms["ISO_IR " + ir] = new("ISO_IR " + ir, GraphicCharacterSets.Ascii, set);
            terms["ISO 2022 IR " + ir] = new("ISO 2022 IR " + ir, GraphicCharacterSets.Ascii, set);
        }

        return terms;
    }

    private static Dictionary<string, string> BuildLooseSpellings()
    {
        var loose = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var term in ByTerm.Keys)
        {
            if (term.Length > 0)
            {
                loose.TryAdd(Loose(term), term);
            }
        }

        // Multi-byte sets written without "2022", and UTF-8 by its common name.
        foreach (var ir in new[] { "87", "159", "149", "58" })
        {
            loose.TryAdd("ISOIR" + ir, "ISO 2022 IR " + ir);
        }

        loose.TryAdd("UTF8", "ISO_IR 192");
        return loose;
    }

    private static (string Ir, GraphicCharacterSet Set)[] GraphicCharacterSetsByIr() =>
    [
        ("100", GraphicCharacterSets.Latin1),
        ("101", GraphicCharacterSets.Latin2),
        ("109", GraphicCharacterSets.Latin3),
        ("110", GraphicCharacterSets.Latin4),
        ("144", GraphicCharacterSets.Cyrillic),
        ("127", GraphicCharacterSets.Arabic),
        ("126", GraphicCharacterSets.Greek),
        ("138", GraphicCharacterSets.Hebrew),
        ("148", GraphicCharacterSets.Latin5),
        ("203", GraphicCharacterSets.Latin9),
        ("166", GraphicCharacterSets.Thai),
    ];

    private static string Loose(string term)
    {
        var sb = new StringBuilder(term.Length);
        foreach (var c in term)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(char.ToUpperInvariant(c));
            }
        }

        return sb.ToString();
    }
}
