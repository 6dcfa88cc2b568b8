namespace Telerad.Dicom.Tests;

/// <summary>Our data set as the same kind of flat, depth-annotated list dcmdump prints.</summary>
public static class DatasetFlattener
{
    public sealed record Entry(int Depth, DicomTag Tag, DicomItem? Item, DicomDataset Owner, DicomValue? Fragment, int ItemCount);

    public static List<Entry> Flatten(DicomDataset dataset)
    {
        var entries = new List<Entry>();
        Walk(dataset, 0, entries);
        return entries;
    }

    private static void Walk(DicomDataset dataset, int depth, List<Entry> entries)
    {
        foreach (var item in dataset)
        {
            switch (item)
            {
                case DicomSequence sequence:
                    entries.Add(new Entry(depth, item.Tag, item, dataset, null, sequence.Items.Count));
                    foreach (var child in sequence.Items)
                    {
                        entries.Add(new Entry(depth + 1, DicomTag.Item, null, dataset, null, child.Count));
                        Walk(child, depth + 2, entries);
                    }

                    break;
                case DicomFragmentSequence fragments:
                    entries.Add(new Entry(depth, item.Tag, item, dataset, null, fragments.Fragments.Count + 1));
                    entries.Add(new Entry(depth + 1, DicomTag.Item, null, dataset, fragments.OffsetTable, 0));
                    foreach (var fragment in fragments.Fragments)
                    {
                        entries.Add(new Entry(depth + 1, DicomTag.Item, null, dataset, fragment, 0));
                    }

                    break;
                default:
                    entries.Add(new Entry(depth, item.Tag, item, dataset, null, 0));
                    break;
            }
        }
    }
}
