namespace Telerad.Dicom;

/// <summary>Reading and changing elements at any depth, by <see cref="DicomPath"/>, and walking the whole tree.</summary>
public sealed partial class DicomDataset
{
    /// <summary>Every item matched by the path (several when it has [*] steps), with the data set that holds it.</summary>
    public IEnumerable<(DicomDataset Owner, DicomItem Item)> Find(DicomPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (var owner in Owners(path, create: false))
        {
            if (owner.TryGet(path.Leaf, out var item))
            {
                yield return (owner, item);
            }
        }
    }

    /// <summary>The first item the path matches, or null.</summary>
    public DicomItem? Get(DicomPath path) => Find(path).Select(m => m.Item).FirstOrDefault();

    public DicomItem? Get(string path) => Get(DicomPath.Parse(path));

    /// <summary>The text of the first element the path matches, or null.</summary>
    public string? GetString(DicomPath path)
    {
        foreach (var (owner, item) in Find(path))
        {
            return owner.GetString(item.Tag);
        }

        return null;
    }

    /// <summary>
    /// Adds or replaces <paramref name="item"/> (whose tag must be the path's leaf) in every data set the path
    /// reaches. Missing sequences and the item at a named index (count, i.e. the next one) are created.
    /// </summary>
    public int Set(DicomPath path, DicomItem item)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(item);
        if (item.Tag != path.Leaf)
        {
            throw new ArgumentException($"The item's tag {item.Tag} is not the path's leaf {path.Leaf}.", nameof(item));
        }

        var count = 0;
        foreach (var owner in Owners(path, create: true).ToList())
        {
            owner.Set(item is DicomSequence sequence && count > 0 ? CopySequence(sequence) : item);
            count++;
        }

        return count;
    }

    /// <summary>Sets a string at the path, encoded in each target data set's own character set.</summary>
    public int SetString(DicomPath path, string value, DicomVR vr = DicomVR.None)
    {
        ArgumentNullException.ThrowIfNull(path);
        var count = 0;
        foreach (var owner in Owners(path, create: true).ToList())
        {
            owner.SetString(path.Leaf, value, vr);
            count++;
        }

        return count;
    }

    /// <summary>Removes what the path matches; returns how many elements went.</summary>
    public int Remove(DicomPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var count = 0;
        foreach (var owner in Owners(path, create: false).ToList())
        {
            if (owner.Remove(path.Leaf))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Every item at every depth, depth first, in tag order, with its path and owner.</summary>
    public IEnumerable<(DicomPath Path, DicomDataset Owner, DicomItem Item)> Walk()
    {
        return WalkInto(this, null, 0);

        static IEnumerable<(DicomPath, DicomDataset, DicomItem)> WalkInto(DicomDataset dataset, DicomPath? prefix, int itemIndex)
        {
            foreach (var item in dataset.ToList())
            {
                var path = prefix is null ? new DicomPath(item.Tag) : prefix.Then(itemIndex, item.Tag);
                yield return (path, dataset, item);
                if (item is DicomSequence sequence)
                {
                    for (var i = 0; i < sequence.Items.Count; i++)
                    {
                        foreach (var inner in WalkInto(sequence.Items[i], path, i))
                        {
                            yield return inner;
                        }
                    }
                }
            }
        }
    }

    /// <summary>The data sets that hold the path's leaf: this one for a one-step path, else items of its sequences.</summary>
    private IEnumerable<DicomDataset> Owners(DicomPath path, bool create)
    {
        IEnumerable<DicomDataset> level = [this];
        for (var i = 0; i < path.Steps.Count - 1; i++)
        {
            var (tag, index) = path.Steps[i];
            level = Step(level, tag, index, create).ToList();
        }

        return level;
    }

    private static IEnumerable<DicomDataset> Step(IEnumerable<DicomDataset> level, DicomTag tag, int index, bool create)
    {
        foreach (var dataset in level)
        {
            var sequence = dataset[tag] as DicomSequence;
            if (sequence is null)
            {
                if (!create || index == DicomPath.AllItems)
                {
                    continue;
                }

                if (dataset.Contains(tag))
                {
                    throw new InvalidOperationException($"{tag} is not a sequence; the path cannot go through it.");
                }

                sequence = new DicomSequence(tag);
                dataset.Set(sequence);
            }

            if (index == DicomPath.AllItems)
            {
                foreach (var item in sequence.Items)
                {
                    yield return item;
                }
            }
            else if (index < sequence.Items.Count)
            {
                yield return sequence.Items[index];
            }
            else if (create && index == sequence.Items.Count)
            {
                var item = new DicomDataset();
                sequence.Items.Add(item);
                yield return item;
            }
            else if (create)
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"{tag} has {sequence.Items.Count} items; item {index} cannot be created.");
            }
        }
    }

    private static DicomSequence CopySequence(DicomSequence sequence) =>
        new(sequence.Tag, sequence.Items.Select(i => i.Clone())) { WasUnknownVR = sequence.WasUnknownVR };
}
