using System.Text;

namespace Telerad.Dicom;

/// <summary>One step of the way from the top-level data set to an element: a tag and, inside a sequence, an item index.</summary>
public readonly record struct DicomPathStep(DicomTag Tag, int ItemIndex = -1);

/// <summary>
/// What the writer asks the caller's bulk data function about (PS3.18 F.2.6): an element whose value is
/// long enough to be sent as a BulkDataURI instead of inline. The function returns the URI, or null to
/// write the value inline after all.
/// </summary>
public sealed class DicomBulkDataRequest
{
    internal DicomBulkDataRequest(IReadOnlyList<DicomPathStep> path, DicomItem item, long length)
    {
        Path = path;
        Item = item;
        Length = length;
    }

    /// <summary>From the top level down; every step but the last names the sequence item it enters.</summary>
    public IReadOnlyList<DicomPathStep> Path { get; }

    /// <summary>The element (a <see cref="DicomElement"/> or encapsulated <see cref="DicomFragmentSequence"/>).</summary>
    public DicomItem Item { get; }

    public DicomTag Tag => Item.Tag;

    public DicomVR VR => Item.VR;

    /// <summary>Bytes of the value; for encapsulated pixel data, of its items as InlineBinary would hold them.</summary>
    public long Length { get; }

    /// <summary>"(0008,1115)[0]/(7FE0,0010)", the form <see cref="DicomFormatException.TagPath"/> uses.</summary>
    public string PathString => FormatPath(Path);

    internal static string FormatPath(IEnumerable<DicomPathStep> path)
    {
        var sb = new StringBuilder();
        foreach (var step in path)
        {
            if (sb.Length > 0)
            {
                sb.Append('/');
            }

            sb.Append(step.Tag.ToString());
            if (step.ItemIndex >= 0)
            {
                sb.Append('[').Append(step.ItemIndex).Append(']');
            }
        }

        return sb.ToString();
    }
}
