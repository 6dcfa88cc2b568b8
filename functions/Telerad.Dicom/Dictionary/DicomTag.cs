using System.Globalization;

namespace Telerad.Dicom;

/// <summary>A data element tag (group, element) as one 32-bit value, ordered the way data sets are.</summary>
public readonly record struct DicomTag(uint Value) : IComparable<DicomTag>
{
    public DicomTag(ushort group, ushort element)
        : this(((uint)group << 16) | element)
    {
    }

    public ushort Group => (ushort)(Value >> 16);

    public ushort Element => (ushort)Value;

    /// <summary>Odd groups are private (PS3.5 7.8); groups 0001, 0003, 0005, 0007 and FFFF are not allowed.</summary>
    public bool IsPrivate => (Group & 1) == 1 && !IsIllegalOddGroup;

    /// <summary>Groups that are odd but not private and must not appear in a data set (PS3.5 7.1).</summary>
    public bool IsIllegalOddGroup => Group is 0x0001 or 0x0003 or 0x0005 or 0x0007 or 0xFFFF;

    /// <summary>(gggg,0010)-(gggg,00FF) in a private group reserve a block for a private creator.</summary>
    public bool IsPrivateCreator => IsPrivate && Element is >= 0x0010 and <= 0x00FF;

    /// <summary>The creator element that reserves this private element's block, e.g. (0009,1005) → (0009,0010).</summary>
    public DicomTag PrivateCreatorTag => new(Group, (ushort)(Element >> 8));

    public bool IsGroupLength => Element == 0x0000;

    public bool IsFileMeta => Group == 0x0002;

    public static DicomTag Item => new(0xFFFEE000u);

    public static DicomTag ItemDelimitation => new(0xFFFEE00Du);

    public static DicomTag SequenceDelimitation => new(0xFFFEE0DDu);

    public int CompareTo(DicomTag other) => Value.CompareTo(other.Value);

    public static bool operator <(DicomTag left, DicomTag right) => left.Value < right.Value;

    public static bool operator >(DicomTag left, DicomTag right) => left.Value > right.Value;

    public static bool operator <=(DicomTag left, DicomTag right) => left.Value <= right.Value;

    public static bool operator >=(DicomTag left, DicomTag right) => left.Value >= right.Value;

    /// <summary>"(0010,0010)".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({Group:X4},{Element:X4})");

    /// <summary>Parses "(0010,0010)", "0010,0010", "00100010" or a dictionary keyword such as "PatientName".</summary>
    public static DicomTag Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var tag) ? tag : throw new FormatException($"'{text}' is not a DICOM tag or keyword.");
    }

    public static bool TryParse(string? text, out DicomTag tag)
    {
        tag = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (s.StartsWith('(') && s.EndsWith(')'))
        {
            s = s[1..^1];
        }

        var hex = s.Replace(",", string.Empty, StringComparison.Ordinal);
        if (hex.Length == 8 && uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            && (s.Length == 8 || (s.Length == 9 && s[4] == ',')))
        {
            tag = new DicomTag(value);
            return true;
        }

        if (DicomDictionary.TryGetTag(s, out tag))
        {
            return true;
        }

        return false;
    }
}
