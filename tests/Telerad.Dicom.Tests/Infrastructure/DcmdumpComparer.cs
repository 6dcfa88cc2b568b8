using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Telerad.Dicom.Tests;

/// <summary>
/// Compares our reading of a file with dcmdump's, element by element: structure (depth, tag, item counts),
/// VR, value length and value. Values are compared as values (numbers numerically, strings as their bytes),
/// not as our own formatting.
/// </summary>
public static class DcmdumpComparer
{
    public static List<string> Compare(IReadOnlyList<DcmdumpLine> expected, DicomDataset actual, int maxDifferences = 20, bool ignoreVR = false)
    {
        var ours = DatasetFlattener.Flatten(actual);
        var differences = new List<string>();
        var count = Math.Max(expected.Count, ours.Count);
        for (var i = 0; i < count && differences.Count < maxDifferences; i++)
        {
            if (i >= expected.Count)
            {
                differences.Add($"we have an extra {ours[i].Tag} at depth {ours[i].Depth}");
                break;
            }

            if (i >= ours.Count)
            {
                differences.Add($"dcmdump line {expected[i].LineNumber}: {expected[i].Tag} missing from ours");
                break;
            }

            var difference = CompareOne(expected[i], ours[i], ignoreVR);
            if (difference is not null)
            {
                differences.Add($"dcmdump line {expected[i].LineNumber} {expected[i].Tag}: {difference}");
                if (expected[i].Tag != ours[i].Tag || expected[i].Depth != ours[i].Depth)
                {
                    break; // structure diverged; later lines would all differ
                }
            }
        }

        return differences;
    }

    private static string? CompareOne(DcmdumpLine e, DatasetFlattener.Entry a, bool ignoreVR)
    {
        if (e.Tag != a.Tag || e.Depth != a.Depth)
        {
            return $"structure: expected {e.Tag} at depth {e.Depth}, ours {a.Tag} at depth {a.Depth}";
        }

        if (a.Item is null)
        {
            if (a.Fragment is not null)
            {
                if (e.VR != "pi")
                {
                    return $"expected a fragment item, dcmdump says {e.VR}";
                }

                return e.Value == "(no value available)"
                    ? (a.Fragment.Length == 0 ? null : "dcmdump has an empty fragment, ours is not")
                    : CompareBinary(e.Value, e.Length, a.Fragment, 1);
            }

            return CountMatches(e.Value, a.ItemCount) ? null : $"item element count: dcmdump '{e.Value}', ours {a.ItemCount}";
        }

        var vr = DicomVRInfo.ToCode(a.Item.VR);
        if (e.VR == "up" && vr == "UL")
        {
            e = e with { VR = "UL" }; // dcmtk's name for the UL offsets of a DICOMDIR ("unsigned pointer")
        }

        switch (a.Item)
        {
            case DicomSequence sequence:
                if (!ignoreVR && e.VR != "SQ" && !(sequence.WasUnknownVR && e.VR is "UN" or "??"))
                {
                    return $"VR: dcmdump {e.VR}, ours SQ";
                }

                return CountMatches(e.Value, a.ItemCount) ? null : $"item count: dcmdump '{e.Value}', ours {a.ItemCount}";
            case DicomFragmentSequence:
                if (e.VR != vr)
                {
                    return $"VR: dcmdump {e.VR}, ours {vr}";
                }

                return CountMatches(e.Value, a.ItemCount) ? null : $"fragment count: dcmdump '{e.Value}', ours {a.ItemCount}";
        }

        var element = (DicomElement)a.Item;
        var valueVR = element.VR;
        if (ignoreVR && e.VR != vr && e.VR.Length == 2 && char.IsAsciiLetterUpper(e.VR[0]) && char.IsAsciiLetterUpper(e.VR[1]))
        {
            valueVR = DicomVRInfo.Parse(e.VR); // compare the same bytes as dcmtk typed them
        }
        else if (ignoreVR && e.VR == "??")
        {
            valueVR = DicomVR.UN; // dcmtk knows no VR for it and prints its bytes
        }
        else if (e.VR != vr && !(e.VR == "??" && vr == "UN"))
        {
            // dcmtk prints "??" where a VR is unknown (implicit VR, no dictionary entry); PS3.5 6.2.2 calls that UN.
            return $"VR: dcmdump {e.VR}, ours {vr}";
        }

        // dcmtk pads an odd-length value to even length in memory and reports the padded length.
        var oddPadded = (element.Value.Length & 1) == 1 && e.Length == element.Value.Length + 1;
        if (e.Length != element.Value.Length && !oddPadded)
        {
            return $"length: dcmdump {e.Length}, ours {element.Value.Length}";
        }

        if (e.Value == "(no value available)")
        {
            return element.Value.Length == 0 ? null : "dcmdump has no value, we have one";
        }

        var bytes = element.Value.GetMemory().ToArray();
        return valueVR switch
        {
            _ when DicomVRInfo.IsString(valueVR) => CompareString(e.Value, bytes),
            DicomVR.US => CompareIntegers(e.Value, MemoryMarshal.Cast<byte, ushort>(bytes).ToArray().Select(v => (decimal)v)),
            DicomVR.SS => CompareIntegers(e.Value, MemoryMarshal.Cast<byte, short>(bytes).ToArray().Select(v => (decimal)v)),
            DicomVR.UL => CompareIntegers(e.Value, MemoryMarshal.Cast<byte, uint>(bytes).ToArray().Select(v => (decimal)v)),
            DicomVR.SL => CompareIntegers(e.Value, MemoryMarshal.Cast<byte, int>(bytes).ToArray().Select(v => (decimal)v)),
            DicomVR.UV => CompareIntegers(e.Value, MemoryMarshal.Cast<byte, ulong>(bytes).ToArray().Select(v => (decimal)v)),
            DicomVR.SV => CompareIntegers(e.Value, MemoryMarshal.Cast<byte, long>(bytes).ToArray().Select(v => (decimal)v)),
            DicomVR.FL => CompareFloats(e.Value, MemoryMarshal.Cast<byte, float>(bytes).ToArray().Select(v => (double)v), 1e-6),
            DicomVR.FD => CompareFloats(e.Value, MemoryMarshal.Cast<byte, double>(bytes).ToArray(), 1e-12),
            DicomVR.OF => CompareBinaryOrFloats(e, element.Value, MemoryMarshal.Cast<byte, float>(bytes).ToArray().Select(v => (double)v), 4, 1e-6),
            DicomVR.OD => CompareBinaryOrFloats(e, element.Value, MemoryMarshal.Cast<byte, double>(bytes).ToArray(), 8, 1e-12),
            DicomVR.AT => CompareTags(e.Value, bytes),
            DicomVR.OW => CompareBinary(e.Value, e.Length, element.Value, 2),
            DicomVR.OL => CompareBinary(e.Value, e.Length, element.Value, 4),
            DicomVR.OV => CompareBinary(e.Value, e.Length, element.Value, 8),
            _ => CompareBinary(e.Value, e.Length, element.Value, 1),
        };
    }

    /// <summary>dcmdump prints counts as "#=N" (in "(Sequence with ... #=N)" or a DICOMDIR record's "PATIENT #=N").</summary>
    private static bool CountMatches(string printed, int count) =>
        System.Text.RegularExpressions.Regex.Match(printed, @"#=(\d+)") is { Success: true } m && m.Groups[1].Value == count.ToString(CultureInfo.InvariantCulture);

    /// <summary>dcmdump prints a string's bytes between brackets, without trailing padding.</summary>
    private static string? CompareString(string printed, byte[] bytes)
    {
        if (!printed.StartsWith('[') || !printed.EndsWith(']'))
        {
            return $"dcmdump printed '{Shorten(printed)}', not a bracketed string";
        }

        var theirs = printed[1..^1];
        var ours = Encoding.Latin1.GetString(bytes);
        var trimmed = ours.TrimEnd(' ', '\0');
        if (theirs == ours || theirs == trimmed || theirs == ours.TrimEnd('\0') || theirs == ours.Replace("\0", string.Empty, StringComparison.Ordinal))
        {
            return null;
        }

        return $"string: dcmdump [{Shorten(theirs)}], ours [{Shorten(ours)}]";
    }

    private static string? CompareIntegers(string printed, IEnumerable<decimal> ours)
    {
        var theirs = printed.Split('\\').Select(s => decimal.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray();
        var mine = ours.ToArray();
        return theirs.SequenceEqual(mine) ? null : $"integers: dcmdump {Shorten(printed)}, ours {Shorten(string.Join('\\', mine))}";
    }

    private static string? CompareFloats(string printed, IEnumerable<double> ours, double tolerance)
    {
        var theirs = printed.Split('\\').Select(ParseDouble).ToArray();
        var mine = ours.ToArray();
        if (theirs.Length != mine.Length)
        {
            return $"float count: dcmdump {theirs.Length}, ours {mine.Length}";
        }

        for (var i = 0; i < mine.Length; i++)
        {
            if (!Close(theirs[i], mine[i], tolerance))
            {
                return $"float {i}: dcmdump {theirs[i]}, ours {mine[i]}";
            }
        }

        return null;
    }

    private static bool Close(double a, double b, double tolerance) =>
        (double.IsNaN(a) && double.IsNaN(b)) || a == b || Math.Abs(a - b) <= tolerance * Math.Max(Math.Abs(a), Math.Abs(b));

    private static double ParseDouble(string s) => s switch
    {
        "nan" or "-nan" => double.NaN,
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        _ => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static string? CompareTags(string printed, byte[] bytes)
    {
        var words = MemoryMarshal.Cast<byte, ushort>(bytes).ToArray();
        var ours = string.Join('\\', Enumerable.Range(0, words.Length / 2).Select(i => $"({words[2 * i]:x4},{words[(2 * i) + 1]:x4})"));
        return string.Equals(printed, ours, StringComparison.OrdinalIgnoreCase) ? null : $"AT: dcmdump {printed}, ours {ours}";
    }

    private static string? CompareBinaryOrFloats(DcmdumpLine e, DicomValue value, IEnumerable<double> floats, int unit, double tolerance) =>
        e.Value.Split('\\').All(t => t.Length == unit * 2 && t.All(char.IsAsciiHexDigit))
            ? CompareBinary(e.Value, e.Length, value, unit)
            : CompareFloats(e.Value, floats, tolerance);

    /// <summary>dcmdump prints binary values as hex units (bytes for OB/UN, words for OW ...), most significant digit first.</summary>
    private static string? CompareBinary(string printed, long length, DicomValue value, int unit)
    {
        var bytes = value.GetMemory().Span;
        var tokens = printed.Split('\\');
        if (tokens.Length > 0 && tokens[0].Length != unit * 2)
        {
            unit = tokens[0].Length / 2; // e.g. OB pixel data of an 8-bit image printed in words
            if (unit == 0)
            {
                return $"cannot parse dcmdump binary '{Shorten(printed)}'";
            }
        }

        if (unit == 1 && (bytes.Length & 1) == 1 && tokens.Length == bytes.Length + 1 && tokens[^1] == "00")
        {
            tokens = tokens[..^1]; // dcmtk's in-memory padding of an odd value
        }

        if (tokens.Length != bytes.Length / unit)
        {
            return $"binary unit count: dcmdump {tokens.Length}, ours {bytes.Length / unit} (length {length})";
        }

        for (var i = 0; i < tokens.Length; i++)
        {
            ulong ours = 0;
            for (var b = unit - 1; b >= 0; b--)
            {
                ours = (ours << 8) | bytes[(i * unit) + b];
            }

            if (!ulong.TryParse(tokens[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var theirs) || theirs != ours)
            {
                return $"binary unit {i}: dcmdump {tokens[i]}, ours {ours.ToString("x" + (unit * 2), CultureInfo.InvariantCulture)}";
            }
        }

        return null;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
