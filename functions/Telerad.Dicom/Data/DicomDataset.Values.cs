using System.Numerics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Telerad.Dicom;

/// <summary>Typed access to values: strings, numbers, dates, person names, binary arrays, sequences.</summary>
public sealed partial class DicomDataset
{
    /// <summary>The whole value decoded as text (all values joined by '\'), padding removed; null if absent.</summary>
    public string? GetString(DicomTag tag)
    {
        if (!TryGetElement(tag, out var element))
        {
            return null;
        }

        return DecodeText(element) is { } text ? DicomText.TrimValue(text, element.VR) : null;
    }

    /// <summary>The values of a multi-valued string, each trimmed; empty if absent or empty.</summary>
    public string[] GetStrings(DicomTag tag)
    {
        if (!TryGetElement(tag, out var element))
        {
            return [];
        }

        var text = DecodeText(element);
        return text is null ? [] : DicomText.SplitValues(text, element.VR);
    }

    /// <summary>The value at <paramref name="index"/> of a multi-valued string, or null.</summary>
    public string? GetString(DicomTag tag, int index)
    {
        var values = GetStrings(tag);
        return index >= 0 && index < values.Length ? values[index] : null;
    }

    /// <summary>A UID without its NUL padding.</summary>
    public string? GetUid(DicomTag tag) => GetString(tag);

    /// <summary>Integer value from US, SS, UL, SL, UV, SV, IS (tolerant), or null if absent or not an integer.</summary>
    public long? GetInt64(DicomTag tag, int index = 0)
    {
        if (!TryGetElement(tag, out var element) || index < 0)
        {
            return null;
        }

        var span = element.Value.IsBuffered || element.Value.Length <= 1 << 20 ? element.Value.GetMemory().Span : default;
        return element.VR switch
        {
            DicomVR.US => Read<ushort>(span, index),
            DicomVR.SS => Read<short>(span, index),
            DicomVR.UL => Read<uint>(span, index),
            DicomVR.SL => Read<int>(span, index),
            DicomVR.SV => Read<long>(span, index),
            DicomVR.UV => Read<ulong>(span, index) is { } u && u <= long.MaxValue ? (long)u : null,
            DicomVR.IS or DicomVR.DS or DicomVR.UN => DicomNumber.TryParseInteger(GetString(tag, index), out var v) ? v : null,
            _ => null,
        };

        static long? Read<T>(ReadOnlySpan<byte> bytes, int i)
            where T : unmanaged, INumberBase<T>
        {
            var values = MemoryMarshal.Cast<byte, T>(bytes);
            return i < values.Length ? long.CreateTruncating(values[i]) : null;
        }
    }

    public int? GetInt32(DicomTag tag, int index = 0) =>
        GetInt64(tag, index) is { } v && v is >= int.MinValue and <= int.MaxValue ? (int)v : null;

    /// <summary>Floating value from DS (tolerant), FL, FD, or any integer VR.</summary>
    public double? GetDouble(DicomTag tag, int index = 0)
    {
        if (!TryGetElement(tag, out var element) || index < 0)
        {
            return null;
        }

        switch (element.VR)
        {
            case DicomVR.DS:
                return DicomNumber.TryParseDecimal(GetString(tag, index), out var d) ? d : null;
            case DicomVR.FL:
                var floats = MemoryMarshal.Cast<byte, float>(element.Value.GetMemory().Span);
                return index < floats.Length ? floats[index] : null;
            case DicomVR.FD:
                var doubles = MemoryMarshal.Cast<byte, double>(element.Value.GetMemory().Span);
                return index < doubles.Length ? doubles[index] : null;
            default:
                return GetInt64(tag, index);
        }
    }

    /// <summary>All values as doubles (DS, IS, FL, FD, integer VRs); values that do not parse are skipped.</summary>
    public double[] GetDoubles(DicomTag tag)
    {
        if (!TryGetElement(tag, out var element))
        {
            return [];
        }

        if (element.VR is DicomVR.DS or DicomVR.IS)
        {
            var result = new List<double>();
            foreach (var s in GetStrings(tag))
            {
                if (DicomNumber.TryParseDecimal(s, out var d))
                {
                    result.Add(d);
                }
            }

            return [.. result];
        }

        var count = ValueCount(element);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = GetDouble(tag, i) ?? double.NaN;
        }

        return values;
    }

    /// <summary>Binary values (little endian in memory) reinterpreted as <typeparamref name="T"/>.</summary>
    public T[] GetValues<T>(DicomTag tag)
        where T : unmanaged
    {
        if (!TryGetElement(tag, out var element))
        {
            return [];
        }

        return MemoryMarshal.Cast<byte, T>(element.Value.GetMemory().Span).ToArray();
    }

    /// <summary>AT values as tags.</summary>
    public DicomTag[] GetTags(DicomTag tag)
    {
        var words = GetValues<ushort>(tag);
        var tags = new DicomTag[words.Length / 2];
        for (var i = 0; i < tags.Length; i++)
        {
            tags[i] = new DicomTag(words[2 * i], words[(2 * i) + 1]);
        }

        return tags;
    }

    public DicomSequence? GetSequence(DicomTag tag) => this[tag] as DicomSequence;

    /// <summary>The first value of a PN element, parsed into its component groups; null if absent.</summary>
    public DicomPersonName? GetPersonName(DicomTag tag) =>
        GetString(tag, 0) is { } text ? DicomPersonName.Parse(text) : null;

    /// <summary>Every value of a (multi-valued) PN element; empty if absent or empty.</summary>
    public DicomPersonName[] GetPersonNames(DicomTag tag) => [.. GetStrings(tag).Select(DicomPersonName.Parse)];

    /// <summary>A DA value as a date; null if absent or not a valid date.</summary>
    public DateOnly? GetDate(DicomTag tag) => GetDicomDate(tag)?.Value;

    /// <summary>A TM value as a time of day (a leap second reads as 59.999999); null if absent or invalid.</summary>
    public TimeOnly? GetTime(DicomTag tag) => GetDicomTime(tag)?.Value;

    /// <summary>
    /// A DT value as an instant. A value without its own UTC offset is read with offset zero; use
    /// <see cref="GetDicomDateTime"/> to tell the two apart.
    /// </summary>
    public DateTimeOffset? GetDateTime(DicomTag tag) => GetDicomDateTime(tag)?.ToDateTimeOffset();

    /// <summary>The DA value at <paramref name="index"/>; null if absent or invalid.</summary>
    public DicomDate? GetDicomDate(DicomTag tag, int index = 0) =>
        GetString(tag, index) is { } text && DicomDateTimeParser.TryParseDate(text, out var date) ? date : null;

    /// <summary>The TM value at <paramref name="index"/> with the precision it was written with; null if absent or invalid.</summary>
    public DicomTime? GetDicomTime(DicomTag tag, int index = 0) =>
        GetString(tag, index) is { } text && DicomDateTimeParser.TryParseTime(text, out var time) ? time : null;

    /// <summary>The DT value at <paramref name="index"/> with its precision and UTC offset; null if absent or invalid.</summary>
    public DicomDateTime? GetDicomDateTime(DicomTag tag, int index = 0) =>
        GetString(tag, index) is { } text && DicomDateTimeParser.TryParseDateTime(text, out var value) ? value : null;

    /// <summary>Number of values: for strings the '\'-separated count, for binary the length over the value size.</summary>
    public int ValueCount(DicomElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (element.Value.Length == 0)
        {
            return 0;
        }

        if (DicomVRInfo.IsString(element.VR))
        {
            return DicomVRInfo.IsSingleValuedText(element.VR) ? 1 : GetStrings(element.Tag).Length;
        }

        var size = element.VR switch
        {
            DicomVR.AT => 4,
            DicomVR.OB or DicomVR.UN => 0,
            _ => DicomVRInfo.SwapUnit(element.VR),
        };
        return size == 0 ? 1 : (int)(element.Value.Length / size);
    }

    // ---- setters ----

    /// <summary>Sets a string value; the VR defaults to the dictionary's. Text is encoded in this data set's character set.</summary>
    public DicomDataset SetString(DicomTag tag, string value, DicomVR vr = DicomVR.None) => SetStrings(tag, [value], vr);

    public DicomDataset SetStrings(DicomTag tag, IEnumerable<string> values, DicomVR vr = DicomVR.None)
    {
        var resolved = ResolveVR(tag, vr);
        if (!DicomVRInfo.IsString(resolved))
        {
            throw new ArgumentException($"{tag} has VR {resolved}, not a string VR.", nameof(vr));
        }

        return Set(new DicomElement(tag, resolved, DicomText.EncodeValues(values, resolved, CharacterSet)));
    }

    /// <summary>Sets integers in the element's numeric VR (US, SS, UL, SL, UV, SV) or as IS/DS text.</summary>
    public DicomDataset SetIntegers(DicomTag tag, IEnumerable<long> values, DicomVR vr = DicomVR.None)
    {
        ArgumentNullException.ThrowIfNull(values);
        var resolved = ResolveVR(tag, vr);
        var list = values.ToList();
        return resolved switch
        {
            DicomVR.US => SetValues(tag, resolved, list.Select(v => checked((ushort)v)).ToArray()),
            DicomVR.SS => SetValues(tag, resolved, list.Select(v => checked((short)v)).ToArray()),
            DicomVR.UL => SetValues(tag, resolved, list.Select(v => checked((uint)v)).ToArray()),
            DicomVR.SL => SetValues(tag, resolved, list.Select(v => checked((int)v)).ToArray()),
            DicomVR.UV => SetValues(tag, resolved, list.Select(v => checked((ulong)v)).ToArray()),
            DicomVR.SV => SetValues(tag, resolved, list.ToArray()),
            DicomVR.IS or DicomVR.DS => SetStrings(tag, list.Select(v => v.ToString(CultureInfo.InvariantCulture)), resolved),
            _ => throw new ArgumentException($"{tag} has VR {resolved}, which does not hold integers.", nameof(vr)),
        };
    }

    public DicomDataset SetInteger(DicomTag tag, long value, DicomVR vr = DicomVR.None) => SetIntegers(tag, [value], vr);

    /// <summary>Sets decimals as DS text, or FL/FD binary.</summary>
    public DicomDataset SetDoubles(DicomTag tag, IEnumerable<double> values, DicomVR vr = DicomVR.None)
    {
        ArgumentNullException.ThrowIfNull(values);
        var resolved = ResolveVR(tag, vr);
        return resolved switch
        {
            DicomVR.DS => SetStrings(tag, values.Select(DicomNumber.FormatDecimal), resolved),
            DicomVR.FL => SetValues(tag, resolved, values.Select(v => (float)v).ToArray()),
            DicomVR.FD => SetValues(tag, resolved, values.ToArray()),
            _ => throw new ArgumentException($"{tag} has VR {resolved}, which does not hold decimals.", nameof(vr)),
        };
    }

    /// <summary>Sets binary values (written little endian; padded to even length for OB/UN).</summary>
    public DicomDataset SetValues<T>(DicomTag tag, DicomVR vr, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values).ToArray();
        if ((bytes.Length & 1) == 1)
        {
            Array.Resize(ref bytes, bytes.Length + 1);
        }

        return Set(new DicomElement(tag, ResolveVR(tag, vr), bytes));
    }

    public DicomDataset SetValues<T>(DicomTag tag, DicomVR vr, T[] values)
        where T : unmanaged => SetValues(tag, vr, values.AsSpan());

    public DicomDataset SetSequence(DicomTag tag, params IEnumerable<DicomDataset> items) => Set(new DicomSequence(tag, items));

    private static DicomVR ResolveVR(DicomTag tag, DicomVR vr)
    {
        if (vr != DicomVR.None)
        {
            return vr;
        }

        var implied = DicomDictionary.ImpliedVR(tag);
        if (implied is DicomVR.UN or DicomVR.None)
        {
            throw new ArgumentException($"{tag} is not in the dictionary; give its VR.", nameof(vr));
        }

        return implied;
    }

    private string? DecodeText(DicomElement element)
    {
        if (element.Value.Length > 64 << 20)
        {
            throw new InvalidOperationException($"{element.Tag} is {element.Value.Length} bytes; read it as a stream.");
        }

        var bytes = element.Value.GetMemory().Span;
        if (DicomVRInfo.UsesSpecificCharacterSet(element.VR))
        {
            return CharacterSet.Decode(bytes, element.VR);
        }

        return DicomText.DecodeAscii(bytes);
    }
}
