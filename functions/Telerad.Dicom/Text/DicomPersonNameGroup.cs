using System.Text;

namespace Telerad.Dicom;

/// <summary>
/// One component group of a Person Name (PS3.5 6.2.1.1): family name, given name, middle name, prefix and suffix,
/// written with '^' between them. Components keep their text exactly, spaces included.
/// </summary>
public sealed record DicomPersonNameGroup
{
    private const char ComponentDelimiter = '^';

    public DicomPersonNameGroup(string familyName = "", string givenName = "", string middleName = "", string namePrefix = "", string nameSuffix = "")
    {
        ArgumentNullException.ThrowIfNull(familyName);
        ArgumentNullException.ThrowIfNull(givenName);
        ArgumentNullException.ThrowIfNull(middleName);
        ArgumentNullException.ThrowIfNull(namePrefix);
        ArgumentNullException.ThrowIfNull(nameSuffix);
        FamilyName = familyName;
        GivenName = givenName;
        MiddleName = middleName;
        NamePrefix = namePrefix;
        NameSuffix = nameSuffix;
    }

    public static DicomPersonNameGroup Empty { get; } = new();

    public string FamilyName { get; }

    public string GivenName { get; }

    public string MiddleName { get; }

    public string NamePrefix { get; }

    /// <summary>The suffix. A value with more than five components (not valid, but seen) keeps the extra ones here, '^' included, so it formats back unchanged.</summary>
    public string NameSuffix { get; }

    public bool IsEmpty => FamilyName.Length == 0 && GivenName.Length == 0 && MiddleName.Length == 0 && NamePrefix.Length == 0 && NameSuffix.Length == 0;

    /// <summary>The five components in DICOM order.</summary>
    public IReadOnlyList<string> Components => [FamilyName, GivenName, MiddleName, NamePrefix, NameSuffix];

    /// <summary>Splits a decoded component group at '^'.</summary>
    public static DicomPersonNameGroup Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return Empty;
        }

        var parts = text.Split(ComponentDelimiter, 5);
        return new DicomPersonNameGroup(
            parts[0],
            parts.Length > 1 ? parts[1] : string.Empty,
            parts.Length > 2 ? parts[2] : string.Empty,
            parts.Length > 3 ? parts[3] : string.Empty,
            parts.Length > 4 ? parts[4] : string.Empty);
    }

    /// <summary>The DICOM form, without the trailing empty components and their delimiters (PS3.5 6.2.1.1).</summary>
    public override string ToString()
    {
        var components = Components;
        var last = components.Count - 1;
        while (last >= 0 && components[last].Length == 0)
        {
            last--;
        }

        return last < 0 ? string.Empty : string.Join(ComponentDelimiter, components.Take(last + 1));
    }

    /// <summary>
    /// A readable form. Given-name first ("Rev. John Robert Quincy Adams, B.A. M.Div." for
    /// "Adams^John Robert Quincy^^Rev.^B.A. M.Div.", as PS3.5 6.2.1.1 reads its examples), or family-name first,
    /// as ideographic and phonetic names are usually written.
    /// </summary>
    public string ToDisplayString(bool familyNameFirst = false)
    {
        var sb = new StringBuilder();
        var order = familyNameFirst
            ? new[] { NamePrefix, FamilyName, GivenName, MiddleName }
            : new[] { NamePrefix, GivenName, MiddleName, FamilyName };
        foreach (var part in order)
        {
            var trimmed = part.Trim();
            if (trimmed.Length > 0)
            {
                sb.Append(sb.Length > 0 ? " " : string.Empty).Append(trimmed);
            }
        }

        var suffix = NameSuffix.Trim();
        if (suffix.Length > 0)
        {
            sb.Append(sb.Length > 0 ? ", " : string.Empty).Append(suffix);
        }

        return sb.ToString();
    }
}
