namespace Telerad.Dicom.Tests;

/// <summary>Deep comparison of two data sets: tags, VRs, value bytes, sequence items and fragments.</summary>
public static class DatasetDiff
{
    public sealed record Options(bool IgnoreGroupLengths = true, bool IgnoreVR = false, bool TreatUnknownSequencesAsSQ = true);

    public static List<string> Compare(DicomDataset expected, DicomDataset actual, Options? options = null, int max = 20)
    {
        var differences = new List<string>();
        Compare(expected, actual, options ?? new Options(), string.Empty, differences, max);
        return differences;
    }

    private static void Compare(DicomDataset expected, DicomDataset actual, Options options, string path, List<string> differences, int max)
    {
        var a = expected.Where(i => !(options.IgnoreGroupLengths && i.Tag.IsGroupLength)).ToList();
        var b = actual.Where(i => !(options.IgnoreGroupLengths && i.Tag.IsGroupLength)).ToList();
        var tagsA = a.Select(i => i.Tag).ToList();
        var tagsB = b.Select(i => i.Tag).ToList();
        if (!tagsA.SequenceEqual(tagsB))
        {
            var missing = tagsA.Except(tagsB).Select(t => t.ToString());
            var extra = tagsB.Except(tagsA).Select(t => t.ToString());
            differences.Add($"{path}: tags differ; missing [{string.Join(' ', missing)}], extra [{string.Join(' ', extra)}]");
            return;
        }

        for (var i = 0; i < a.Count && differences.Count < max; i++)
        {
            var here = path + "/" + a[i].Tag;
            CompareItem(a[i], b[i], options, here, differences, max);
        }
    }

    private static void CompareItem(DicomItem x, DicomItem y, Options options, string path, List<string> differences, int max)
    {
        if (x.GetType() != y.GetType())
        {
            differences.Add($"{path}: {x.GetType().Name} vs {y.GetType().Name}");
            return;
        }

        if (!options.IgnoreVR && x.VR != y.VR)
        {
            differences.Add($"{path}: VR {x.VR} vs {y.VR}");
            return;
        }

        switch (x)
        {
            case DicomElement e:
                var f = (DicomElement)y;
                if (!SameValue(e.Value.GetMemory().Span, f.Value.GetMemory().Span))
                {
                    differences.Add($"{path}: values differ ({e.Value.Length} vs {f.Value.Length} bytes)");
                }

                break;
            case DicomSequence s:
                var t = (DicomSequence)y;
                if (s.Items.Count != t.Items.Count)
                {
                    differences.Add($"{path}: {s.Items.Count} vs {t.Items.Count} items");
                    return;
                }

                for (var i = 0; i < s.Items.Count; i++)
                {
                    Compare(s.Items[i], t.Items[i], options, $"{path}[{i}]", differences, max);
                }

                break;
            case DicomFragmentSequence p:
                var q = (DicomFragmentSequence)y;
                if (!SameValue(p.OffsetTable.GetMemory().Span, q.OffsetTable.GetMemory().Span) || p.Fragments.Count != q.Fragments.Count)
                {
                    differences.Add($"{path}: offset table or fragment count differ");
                    return;
                }

                for (var i = 0; i < p.Fragments.Count; i++)
                {
                    if (!SameValue(p.Fragments[i].GetMemory().Span, q.Fragments[i].GetMemory().Span))
                    {
                        differences.Add($"{path}: fragment {i} differs");
                    }
                }

                break;
        }
    }

    /// <summary>Equal bytes, or an odd value and its padded form (the writer pads to even length, PS3.5 7.1.1).</summary>
    public static bool SameValue(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.SequenceEqual(b))
        {
            return true;
        }

        var shorter = a.Length < b.Length ? a : b;
        var longer = a.Length < b.Length ? b : a;
        return (shorter.Length & 1) == 1 && longer.Length == shorter.Length + 1
            && longer[..shorter.Length].SequenceEqual(shorter) && longer[^1] is 0 or (byte)' ';
    }
}
