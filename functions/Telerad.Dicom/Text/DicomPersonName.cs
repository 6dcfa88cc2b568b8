namespace Telerad.Dicom;

/// <summary>
/// A Person Name value (PS3.5 6.2.1): up to three component groups, alphabetic, ideographic and phonetic, written
/// with '=' between them, each of five components written with '^'. Parse decoded text (after the Specific
/// Character Set did its work); <see cref="ToString"/> writes it back in the shortest form PS3.5 allows.
/// A multi-valued PN holds several of these, separated by '\' (see <see cref="ParseValues"/>).
/// </summary>
public sealed record DicomPersonName
{
    private const char GroupDelimiter = '=';

    public DicomPersonName(DicomPersonNameGroup alphabetic, DicomPersonNameGroup? ideographic = null, DicomPersonNameGroup? phonetic = null)
    {
        ArgumentNullException.ThrowIfNull(alphabetic);
        AlphabeticGroup = alphabetic;
        IdeographicGroup = ideographic ?? DicomPersonNameGroup.Empty;
        PhoneticGroup = phonetic ?? DicomPersonNameGroup.Empty;
    }

    /// <summary>From the text of each component group, e.g. ("Yamada^Tarou", "山田^太郎", "やまだ^たろう").</summary>
    public DicomPersonName(string alphabetic, string ideographic = "", string phonetic = "")
        : this(DicomPersonNameGroup.Parse(alphabetic), DicomPersonNameGroup.Parse(ideographic), DicomPersonNameGroup.Parse(phonetic))
    {
    }

    public static DicomPersonName Empty { get; } = new(DicomPersonNameGroup.Empty);

    public DicomPersonNameGroup AlphabeticGroup { get; }

    public DicomPersonNameGroup IdeographicGroup { get; }

    public DicomPersonNameGroup PhoneticGroup { get; }

    /// <summary>The alphabetic group in DICOM form (the PS3.18 JSON "Alphabetic" string).</summary>
    public string Alphabetic => AlphabeticGroup.ToString();

    /// <summary>The ideographic group in DICOM form (the PS3.18 JSON "Ideographic" string).</summary>
    public string Ideographic => IdeographicGroup.ToString();

    /// <summary>The phonetic group in DICOM form (the PS3.18 JSON "Phonetic" string).</summary>
    public string Phonetic => PhoneticGroup.ToString();

    public string FamilyName => AlphabeticGroup.FamilyName;

    public string GivenName => AlphabeticGroup.GivenName;

    public string MiddleName => AlphabeticGroup.MiddleName;

    public string NamePrefix => AlphabeticGroup.NamePrefix;

    public string NameSuffix => AlphabeticGroup.NameSuffix;

    public bool IsEmpty => AlphabeticGroup.IsEmpty && IdeographicGroup.IsEmpty && PhoneticGroup.IsEmpty;

    /// <summary>
    /// Every non-empty component of every group, trimmed, each once, in order. This is what must not survive
    /// anywhere else in a de-identified data set.
    /// </summary>
    public IReadOnlyList<string> NameParts
    {
        get
        {
            var parts = new List<string>();
            foreach (var group in new[] { AlphabeticGroup, IdeographicGroup, PhoneticGroup })
            {
                foreach (var component in group.Components)
                {
                    // A suffix that absorbed extra components ("E^F") is still several name parts.
                    foreach (var piece in component.Split('^', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (!parts.Contains(piece, StringComparer.Ordinal))
                        {
                            parts.Add(piece);
                        }
                    }
                }
            }

            return parts;
        }
    }

    /// <summary>The name parts split further at white space ("John Robert Quincy" gives three words), each once.</summary>
    public IReadOnlyList<string> NameWords
    {
        get
        {
            var words = new List<string>();
            foreach (var part in NameParts)
            {
                foreach (var word in part.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!words.Contains(word, StringComparer.Ordinal))
                    {
                        words.Add(word);
                    }
                }
            }

            return words;
        }
    }

    /// <summary>
    /// Parses one decoded PN value. More than three groups (not valid) leave the extra ones in the phonetic group's
    /// text so the value formats back unchanged.
    /// </summary>
    public static DicomPersonName Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return Empty;
        }

        var groups = text.Split(GroupDelimiter, 3);
        return new DicomPersonName(
            DicomPersonNameGroup.Parse(groups[0]),
            groups.Length > 1 ? DicomPersonNameGroup.Parse(groups[1]) : null,
            groups.Length > 2 ? DicomPersonNameGroup.Parse(groups[2]) : null);
    }

    /// <summary>Parses every value of a multi-valued PN (values separated by '\'), trimming each value's padding.</summary>
    public static DicomPersonName[] ParseValues(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = DicomText.SplitValues(text, DicomVR.PN);
        var names = new DicomPersonName[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            names[i] = Parse(values[i]);
        }

        return names;
    }

    /// <summary>The DICOM form, trailing empty components and groups left out (PS3.5 6.2.1.1).</summary>
    public override string ToString()
    {
        var groups = new[] { Alphabetic, Ideographic, Phonetic };
        var last = groups.Length - 1;
        while (last >= 0 && groups[last].Length == 0)
        {
            last--;
        }

        return last < 0 ? string.Empty : string.Join(GroupDelimiter, groups.Take(last + 1));
    }

    /// <summary>
    /// A readable form: the alphabetic group given-name first (e.g. "Rev. John Robert Quincy Adams, B.A. M.Div."),
    /// or, when there is none, the ideographic or else the phonetic group family-name first (e.g. "山田 太郎").
    /// </summary>
    public string ToDisplayString()
    {
        if (!AlphabeticGroup.IsEmpty)
        {
            return AlphabeticGroup.ToDisplayString();
        }

        return !IdeographicGroup.IsEmpty ? IdeographicGroup.ToDisplayString(familyNameFirst: true) : PhoneticGroup.ToDisplayString(familyNameFirst: true);
    }
}
