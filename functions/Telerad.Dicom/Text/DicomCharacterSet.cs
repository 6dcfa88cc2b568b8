using System.Collections.Concurrent;
using System.Text;

namespace Telerad.Dicom;

/// <summary>
/// Decodes and encodes the text of SH, LO, ST, LT, UT, UC and PN values under a Specific Character Set (0008,0005)
/// (PS3.5 6.1; PS3.3 C.12.1.1.2): the default repertoire, the ISO 8859 and JIS X 0201 single-byte sets, ISO 2022
/// code extensions with JIS X 0208/0212, KS X 1001 and GB 2312 (PS3.5 Annexes H, I, K), and UTF-8, GB18030 and
/// GBK (Annex J). Terms it does not know never make it fail: it falls back to the default repertoire (Latin-1 for
/// bytes above 0x7F) and says so in <see cref="Warnings"/>. Instances are immutable and safe to share.
/// </summary>
public sealed class DicomCharacterSet
{
    private const byte Esc = 0x1B;

    private static readonly ConcurrentDictionary<int, Encoding> StandAloneEncodings = new();

    private readonly GraphicCharacterSet _initialG0;
    private readonly GraphicCharacterSet? _initialG1;

    /// <summary>Sets that escape sequences may designate while encoding; null when code extensions are not allowed.</summary>
    private readonly GraphicCharacterSet[]? _extensions;

    /// <summary>ISO_IR 192, GB18030 or GBK: a whole-value decoder, no ISO 2022 state.</summary>
    private readonly Encoding? _standAlone;

    private DicomCharacterSet(
        IReadOnlyList<string> terms,
        GraphicCharacterSet initialG0,
        GraphicCharacterSet? initialG1,
        GraphicCharacterSet[]? extensions,
        Encoding? standAlone,
        IReadOnlyList<string> warnings,
        bool fullySupported)
    {
        Terms = terms;
        _initialG0 = initialG0;
        _initialG1 = initialG1;
        _extensions = extensions;
        _standAlone = standAlone;
        Warnings = warnings;
        IsFullySupported = fullySupported;
    }

    /// <summary>The default character repertoire, ISO-IR 6 (used when (0008,0005) is absent or empty).</summary>
    public static DicomCharacterSet Default { get; } = new([], GraphicCharacterSets.Ascii, null, null, null, [], true);

    /// <summary>The values of (0008,0005) this set was made from.</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>Terms that were unknown, misspelt or misplaced, and what was done about them. Never holds element values.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>False when a term was not recognised, so some text may be decoded with the Latin-1 fallback.</summary>
    public bool IsFullySupported { get; }

    /// <summary>True for ISO_IR 192 (UTF-8): every Unicode character can be encoded.</summary>
    public bool IsUnicode => _standAlone?.CodePage == CharacterSetTerms.Utf8CodePage;

    /// <summary>True when (0008,0005) is multi-valued, so values may switch sets with ISO 2022 escape sequences.</summary>
    public bool UsesCodeExtensions => _extensions is not null;

    /// <summary>Builds the character set for the values of (0008,0005), e.g. ["", "ISO 2022 IR 87"].</summary>
    public static DicomCharacterSet FromSpecificCharacterSet(IReadOnlyList<string> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.Count == 0 || (terms.Count == 1 && terms[0].Trim().Length == 0))
        {
            return terms.Count == 0 ? Default : new DicomCharacterSet(terms, GraphicCharacterSets.Ascii, null, null, null, [], true);
        }

        var warnings = new List<string>();
        var fullySupported = true;
        var definitions = new CharacterSetTerm?[terms.Count];
        for (var i = 0; i < terms.Count; i++)
        {
            if (CharacterSetTerms.TryFind(terms[i], out var definition, out var corrected))
            {
                definitions[i] = definition;
                if (corrected)
                {
                    warnings.Add($"Specific Character Set value {i + 1} '{terms[i]}' is not a Defined Term; read as '{definition.Term}'.");
                }
            }
            else
            {
                fullySupported = false;
                warnings.Add($"Specific Character Set value {i + 1} '{terms[i]}' is not supported; text is read with the default repertoire (Latin-1 for bytes above 0x7F).");
            }
        }

        // PS3.5 6.1.2.5.4 d: ISO_IR 192, GB18030 and GBK stand alone; extra values are ignored.
        if (definitions[0] is { IsStandAlone: true } standAlone)
        {
            if (terms.Count > 1)
            {
                warnings.Add($"'{standAlone.Term}' allows no code extensions; the other values of Specific Character Set are ignored.");
            }

            return new DicomCharacterSet(terms, GraphicCharacterSets.Ascii, null, null, StandAloneEncoding(standAlone.StandAloneCodePage), warnings, fullySupported);
        }

        // PS3.5 6.1.2.5.4 b, c: value 1 gives the initial G0 and G1; an empty value 1 means ISO-IR 6 in G0, G1 undefined.
        var initialG0 = GraphicCharacterSets.Ascii;
        GraphicCharacterSet? initialG1 = null;
        if (definitions[0] is { } first)
        {
            if (first.G0 is { IsDoubleByte: true })
            {
                warnings.Add($"'{first.Term}' cannot be value 1 of Specific Character Set; ISO-IR 6 is the initial G0 set.");
            }
            else if (first.G0 is not null)
            {
                initialG0 = first.G0;
            }

            if (first.G1 is { IsDoubleByte: true })
            {
                warnings.Add($"'{first.Term}' cannot be value 1 of Specific Character Set; it is used as the initial G1 set.");
            }

            initialG1 = first.G1;
        }

        GraphicCharacterSet[]? extensions = null;
        if (terms.Count > 1)
        {
            var sets = new List<GraphicCharacterSet>();
            for (var i = 0; i < definitions.Length; i++)
            {
                if (definitions[i] is not { } definition)
                {
                    continue;
                }

                if (definition.IsStandAlone)
                {
                    warnings.Add($"'{definition.Term}' cannot be combined with other character sets (value {i + 1}); it is ignored.");
                    continue;
                }

                foreach (var set in new[] { definition.G0, definition.G1 })
                {
                    if (set is not null && !set.IsAsciiCompatibleG0 && !sets.Contains(set))
                    {
                        sets.Add(set);
                    }
                }
            }

            extensions = [.. sets];
        }

        return new DicomCharacterSet(terms, initialG0, initialG1, extensions, null, warnings, fullySupported);
    }

    /// <summary>
    /// Decodes a value of <paramref name="vr"/> (which decides the delimiters that reset code extensions:
    /// '\' for multi-valued VRs, '^' and '=' for PN). Padding is kept; see <see cref="DicomText.TrimValue"/>.
    /// An ASCII value costs one string allocation and nothing else.
    /// </summary>
    public string Decode(ReadOnlySpan<byte> bytes, DicomVR vr)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        if (Ascii.IsValid(bytes) && (_standAlone is not null || !bytes.Contains(Esc)))
        {
            return Encoding.Latin1.GetString(bytes);
        }

        return _standAlone is not null
            ? _standAlone.GetString(bytes)
            : Iso2022Decoder.Decode(bytes, vr, _initialG0, _initialG1);
    }

    /// <summary>
    /// Encodes text as a PN-safe value (every delimiter of PS3.5 6.1.2.5.3 returns to the initial sets, which is
    /// also valid for the other text VRs). Throws <see cref="ArgumentException"/> for characters that none of the
    /// character sets has.
    /// </summary>
    public byte[] Encode(string text) => Encode(text, DicomVR.PN);

    /// <summary>Encodes a value of <paramref name="vr"/>; throws <see cref="ArgumentException"/> for characters none of the sets has.</summary>
    public byte[] Encode(string text, DicomVR vr)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryEncode(text, vr, out var bytes, out var failedIndex))
        {
            return bytes;
        }

        // The message names the position, never the character: values are patient data.
        throw new ArgumentException(
            $"The character at index {failedIndex} cannot be encoded with Specific Character Set '{string.Join('\\', Terms)}'.",
            nameof(text));
    }

    /// <summary>True when every character of <paramref name="text"/> can be encoded with this character set.</summary>
    public bool CanEncode(string text, DicomVR vr = DicomVR.PN)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryEncode(text, vr, out _, out _);
    }

    public override string ToString() => Terms.Count == 0 ? "ISO_IR 6 (default)" : string.Join('\\', Terms);

    private bool TryEncode(string text, DicomVR vr, out byte[] bytes, out int failedIndex)
    {
        if (_standAlone is null)
        {
            return Iso2022Encoder.TryEncode(text, vr, _initialG0, _initialG1, _extensions, out bytes, out failedIndex);
        }

        try
        {
            bytes = _standAlone.GetBytes(text);
            failedIndex = -1;
            return true;
        }
        catch (EncoderFallbackException e)
        {
            bytes = [];
            failedIndex = e.Index;
            return false;
        }
    }

    /// <summary>Shared encoders: U+FFFD for undecodable bytes, an exception for unencodable text (e.g. a lone surrogate).</summary>
    private static Encoding StandAloneEncoding(int codePage) => StandAloneEncodings.GetOrAdd(codePage, CodeTables.GetEncoding);
}
