namespace Telerad.Dicom;

/// <summary>
/// Receives what <see cref="DicomReader"/> parses, in stream order. <see cref="DicomDatasetBuilder"/>
/// builds a <see cref="DicomDataset"/>; other observers can act on elements as they pass
/// (count, index, or write them out) without building anything.
/// </summary>
public interface IDicomReaderObserver
{
    void OnElement(DicomTag tag, DicomVR vr, DicomValue value, long offset);

    /// <summary>A sequence starts. <paramref name="wasUnknownVR"/>: it was UN with undefined length (read as implicit VR LE).</summary>
    void OnBeginSequence(DicomTag tag, bool wasUnknownVR, long offset);

    void OnBeginItem(long offset);

    void OnEndItem();

    void OnEndSequence();

    /// <summary>Encapsulated pixel data: the offset table item, then each fragment.</summary>
    void OnFragments(DicomTag tag, DicomVR vr, DicomValue offsetTable, IReadOnlyList<DicomValue> fragments, long offset);
}

/// <summary>Builds a <see cref="DicomDataset"/> from the reader's events.</summary>
public sealed class DicomDatasetBuilder : IDicomReaderObserver
{
    private readonly Stack<DicomDataset> _datasets = new();
    private readonly Stack<DicomSequence> _sequences = new();

    public DicomDatasetBuilder(DicomDataset? root = null)
    {
        Root = root ?? new DicomDataset();
        _datasets.Push(Root);
    }

    public DicomDataset Root { get; }

    public void OnElement(DicomTag tag, DicomVR vr, DicomValue value, long offset) =>
        _datasets.Peek().AddRead(new DicomElement(tag, vr, value));

    public void OnBeginSequence(DicomTag tag, bool wasUnknownVR, long offset)
    {
        var sequence = new DicomSequence(tag) { WasUnknownVR = wasUnknownVR };
        _datasets.Peek().AddRead(sequence);
        _sequences.Push(sequence);
    }

    public void OnBeginItem(long offset)
    {
        var item = new DicomDataset();
        _sequences.Peek().Items.Add(item);
        _datasets.Push(item);
    }

    public void OnEndItem() => _datasets.Pop();

    public void OnEndSequence() => _sequences.Pop();

    public void OnFragments(DicomTag tag, DicomVR vr, DicomValue offsetTable, IReadOnlyList<DicomValue> fragments, long offset) =>
        _datasets.Peek().AddRead(new DicomFragmentSequence(tag, vr, offsetTable, fragments));
}
