using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Telerad.Dicom;

/// <summary>A dcmdump-like listing: tag, VR, value, then "# length, VM keyword"; nested items indented.</summary>
public static class DicomDumper
{
    /// <summary>Values longer than this many characters are cut with "..." unless <paramref name="full"/> is set.</summary>
    private const int MaxValueChars = 64;

    public static string Dump(DicomFile file, bool full = false)
    {
        ArgumentNullException.ThrowIfNull(file);
        var sb = new StringBuilder();
        sb.Append("# File Meta Information").Append(file.HadNoFileMeta ? " (none in the input)" : string.Empty).Append('\n');
        Dump(file.FileMetaInformation, sb, 0, full);
        sb.Append("\n# Data Set, ").Append(file.TransferSyntax.Name).Append('\n');
        Dump(file.Dataset, sb, 0, full);
        if (file.StoppedBeforePixelData)
        {
            sb.Append("# stopped before pixel data\n");
        }

        foreach (var warning in file.Warnings)
        {
            sb.Append("# warning: ").Append(warning).Append('\n');
        }

        return sb.ToString();
    }

    public static void Dump(DicomDataset dataset, StringBuilder sb, int depth, bool full)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(sb);
        var indent = new string(' ', depth * 2);
        foreach (var item in dataset)
        {
            switch (item)
            {
                case DicomSequence sequence:
                    Line(sb, indent, item.Tag, "SQ", $"(Sequence #={sequence.Items.Count})", -1, 1, KeywordOf(item.Tag, dataset));
                    for (var i = 0; i < sequence.Items.Count; i++)
                    {
                        Line(sb, indent + "  ", DicomTag.Item, "na", $"(Item #={sequence.Items[i].Count})", -1, 1, "Item");
                        Dump(sequence.Items[i], sb, depth + 2, full);
                        Line(sb, indent + "  ", DicomTag.ItemDelimitation, "na", "(ItemDelimitationItem)", 0, 0, "ItemDelimitationItem");
                    }

                    Line(sb, indent, DicomTag.SequenceDelimitation, "na", "(SequenceDelimitationItem)", 0, 0, "SequenceDelimitationItem");
                    break;
                case DicomFragmentSequence fragments:
                    Line(sb, indent, item.Tag, DicomVRInfo.ToCode(item.VR), $"(PixelSequence #={fragments.Fragments.Count + 1})", -1, 1, KeywordOf(item.Tag, dataset));
                    Line(sb, indent + "  ", DicomTag.Item, "pi", Hex(fragments.OffsetTable, DicomVR.OB, full), fragments.OffsetTable.Length, 1, "Item");
                    foreach (var fragment in fragments.Fragments)
                    {
                        Line(sb, indent + "  ", DicomTag.Item, "pi", Hex(fragment, DicomVR.OB, full), fragment.Length, 1, "Item");
                    }

                    Line(sb, indent, DicomTag.SequenceDelimitation, "na", "(SequenceDelimitationItem)", 0, 0, "SequenceDelimitationItem");
                    break;
                case DicomElement element:
                    var (text, vm) = FormatValue(dataset, element, full);
                    Line(sb, indent, item.Tag, DicomVRInfo.ToCode(item.VR), text, element.Length, vm, KeywordOf(item.Tag, dataset));
                    break;
            }
        }
    }

    private static string KeywordOf(DicomTag tag, DicomDataset dataset)
    {
        if (tag.IsPrivate && !tag.IsPrivateCreator && dataset.GetString(tag.PrivateCreatorTag) is { } creator)
        {
            return $"Private [{creator}]";
        }

        var keyword = DicomDictionary.KeywordOf(tag);
        return keyword.Length > 0 ? keyword : "Unknown";
    }

    private static void Line(StringBuilder sb, string indent, DicomTag tag, string vr, string value, long length, int vm, string keyword)
    {
        var start = sb.Length;
        sb.Append(indent).Append(tag.ToString()).Append(' ').Append(vr).Append(' ').Append(value);
        var width = sb.Length - start;
        if (width < 52)
        {
            sb.Append(' ', 52 - width);
        }

        sb.Append(" # ").Append(length < 0 ? "u/l" : length.ToString(CultureInfo.InvariantCulture).PadLeft(3))
          .Append(", ").Append(vm.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(keyword).Append('\n');
    }

    /// <summary>The value as dcmdump shows it, and its VM.</summary>
    public static (string Text, int ValueMultiplicity) FormatValue(DicomDataset dataset, DicomElement element, bool full)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(element);
        if (element.Value.Length == 0)
        {
            return ("(no value available)", 0);
        }

        if (DicomVRInfo.IsString(element.VR))
        {
            var values = dataset.GetStrings(element.Tag);
            var text = string.Join('\\', values);
            text = Cut(text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal), full);
            return ($"[{text}]", values.Length);
        }

        if (!element.Value.IsBuffered && element.Value.Length > 4096 && !full)
        {
            return ($"(not loaded: {element.Value.Length} bytes)", 1);
        }

        var memory = element.Value.GetMemory();
        string Join<T>(Func<T, string> format)
            where T : unmanaged
        {
            var values = MemoryMarshal.Cast<byte, T>(memory.Span);
            var sb = new StringBuilder();
            for (var i = 0; i < values.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append('\\');
                }

                sb.Append(format(values[i]));
                if (!full && sb.Length > MaxValueChars)
                {
                    sb.Append("...");
                    break;
                }
            }

            return sb.ToString();
        }

        var count = dataset.ValueCount(element);
        return element.VR switch
        {
            DicomVR.US => (Join<ushort>(v => v.ToString(CultureInfo.InvariantCulture)), count),
            DicomVR.SS => (Join<short>(v => v.ToString(CultureInfo.InvariantCulture)), count),
            DicomVR.UL => (Join<uint>(v => v.ToString(CultureInfo.InvariantCulture)), count),
            DicomVR.SL => (Join<int>(v => v.ToString(CultureInfo.InvariantCulture)), count),
            DicomVR.UV => (Join<ulong>(v => v.ToString(CultureInfo.InvariantCulture)), count),
            DicomVR.SV => (Join<long>(v => v.ToString(CultureInfo.InvariantCulture)), count),
            DicomVR.FL => (Join<float>(v => v.ToString("R", CultureInfo.InvariantCulture)), count),
            DicomVR.FD => (Join<double>(v => v.ToString("R", CultureInfo.InvariantCulture)), count),
            DicomVR.AT => (string.Join('\\', dataset.GetTags(element.Tag).Select(t => t.ToString())), count),
            _ => (Hex(element.Value, element.VR, full), count),
        };
    }

    private static string Hex(DicomValue value, DicomVR vr, bool full)
    {
        if (value.Length == 0)
        {
            return "(no value available)";
        }

        var limit = full ? value.Length : Math.Min(value.Length, 48);
        var span = value.IsBuffered || full ? value.GetMemory().Span[..(int)limit] : ReadHead(value, (int)limit);
        var unit = vr switch
        {
            DicomVR.OW => 2,
            DicomVR.OL or DicomVR.OF => 4,
            DicomVR.OD or DicomVR.OV => 8,
            _ => 1,
        };
        var sb = new StringBuilder();
        for (var i = 0; i + unit <= span.Length; i += unit)
        {
            if (i > 0)
            {
                sb.Append('\\');
            }

            for (var b = unit - 1; b >= 0; b--)
            {
                sb.Append(span[i + b].ToString("x2", CultureInfo.InvariantCulture));
            }
        }

        if (limit < value.Length)
        {
            sb.Append("...");
        }

        return sb.ToString();
    }

    private static ReadOnlySpan<byte> ReadHead(DicomValue value, int count)
    {
        var head = new byte[count];
        using var stream = value.OpenRead();
        stream.ReadExactly(head);
        return head;
    }

    private static string Cut(string text, bool full) => full || text.Length <= MaxValueChars ? text : text[..MaxValueChars] + "...";
}
