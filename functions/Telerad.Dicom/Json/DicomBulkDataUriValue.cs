namespace Telerad.Dicom;

/// <summary>
/// A value that the DICOM JSON model sent as a BulkDataURI (PS3.18 F.2.6) and that has not been
/// retrieved. It has no bytes: reading it throws, so a reference is never mistaken for an empty value.
/// <see cref="DicomJsonWriter"/> writes it back as the same BulkDataURI.
/// </summary>
public sealed class DicomBulkDataUriValue : DicomValue
{
    public DicomBulkDataUriValue(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        Uri = uri;
    }

    /// <summary>The URI as the JSON gave it (possibly relative to the request's base URI, or empty).</summary>
    public string Uri { get; }

    /// <summary>Unknown until retrieved; reported as 0.</summary>
    public override long Length => 0;

    public override bool IsBuffered => false;

    public override ReadOnlyMemory<byte> GetMemory(long maxBytes = int.MaxValue) => throw NotRetrieved();

    public override Stream OpenRead() => throw NotRetrieved();

    public override void CopyTo(Stream destination) => throw NotRetrieved();

    private static InvalidOperationException NotRetrieved() =>
        new("The value is a BulkDataURI reference that has not been retrieved; resolve it before reading the bytes.");
}
