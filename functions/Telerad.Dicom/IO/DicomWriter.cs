using System.IO.Compression;

namespace Telerad.Dicom;

/// <summary>How to write. Defaults follow what dcmtk writes and what every reader accepts.</summary>
public sealed record DicomWriteOptions
{
    public static DicomWriteOptions Default { get; } = new();

    /// <summary>Telerad's Implementation Class UID (PS3.7 D.3.3.2), a 2.25 UUID-derived root.</summary>
    public const string TeleradImplementationClassUid = "2.25.120853762488145434648815415031451450268";

    public const string TeleradImplementationVersionName = "TELERAD_1_0";

    /// <summary>Sequences and items with defined lengths (computed) instead of delimiters.</summary>
    public bool DefinedLengthSequences { get; init; }

    public string ImplementationClassUid { get; init; } = TeleradImplementationClassUid;

    public string ImplementationVersionName { get; init; } = TeleradImplementationVersionName;

    /// <summary>(0002,0016) Source Application Entity Title, if any.</summary>
    public string? SourceApplicationEntityTitle { get; init; }

    /// <summary>Compression level for the Deflated Explicit VR Little Endian syntax.</summary>
    public CompressionLevel DeflateLevel { get; init; } = CompressionLevel.Optimal;
}

/// <summary>
/// Writes data sets and Part 10 files (PS3.10 7.1) in the uncompressed syntaxes (implicit/explicit LE,
/// explicit BE, deflated) and in the encapsulated syntax the pixel data already has. Values are streamed,
/// so a file of any size is written in bounded memory. Group lengths are dropped (they are retired
/// outside group 0002), odd values are padded with the VR's padding byte.
/// </summary>
public static class DicomWriter
{
    private static readonly DicomTag GroupLength0002 = new(0x00020000u);

    /// <summary>Writes a Part 10 file: zeroed preamble, DICM, a rebuilt file meta, the data set in <paramref name="syntax"/>.</summary>
    /// <param name="sourceFileMeta">The meta the data set was read with: only its Media Storage SOP Class and
    /// Instance UIDs are used, and only when the data set itself lacks SOP Class / Instance UID.</param>
    public static void WriteFile(Stream output, DicomDataset dataset, DicomTransferSyntax syntax, DicomWriteOptions? options = null, DicomDataset? sourceFileMeta = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(syntax);
        options ??= DicomWriteOptions.Default;
        CheckPixelEncoding(dataset, syntax);

        var meta = BuildFileMeta(dataset, syntax, options, sourceFileMeta);
        if (syntax.IsDeflated)
        {
            using (var head = new DicomOutput(output))
            {
                WritePreambleAndMeta(head, meta, options);
            }

            WriteDatasetBody(output, dataset, syntax, options);
            return;
        }

        // One buffer for the meta and the data set: the whole header reaches the file in one write (before any
        // large value is copied), the same bytes as writing them one after the other.
        using var all = new DicomOutput(output);
        WritePreambleAndMeta(all, meta, options);
        WriteItems(all, dataset, syntax.IsExplicitVR, syntax.IsBigEndian, options);
    }

    private static void WritePreambleAndMeta(DicomOutput output, DicomDataset meta, DicomWriteOptions options)
    {
        output.WriteZeros(128); // the preamble is zeroed: nothing of the input's preamble is carried over
        output.WriteBytes("DICM"u8);
        WriteItems(output, meta, explicitVR: true, bigEndian: false, options);
    }

    public static void WriteFile(string path, DicomDataset dataset, DicomTransferSyntax syntax, DicomWriteOptions? options = null, DicomDataset? sourceFileMeta = null)
    {
        // Unbuffered: DicomOutput buffers already, and large values may be copied file to file in the kernel.
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        WriteFile(stream, dataset, syntax, options, sourceFileMeta);
    }

    /// <summary>Writes only the data set (no preamble or meta), e.g. for a network transfer or a hash.</summary>
    public static void WriteDataset(Stream output, DicomDataset dataset, DicomTransferSyntax syntax, DicomWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(syntax);
        CheckPixelEncoding(dataset, syntax);
        WriteDatasetBody(output, dataset, syntax, options ?? DicomWriteOptions.Default);
    }

    /// <summary>
    /// The File Meta Information for a data set (PS3.10 7.1): version 00\01, SOP class and instance from
    /// the data set, the transfer syntax, and Telerad's implementation identity. Nothing is carried over
    /// from an input's meta, so nothing private (or identifying) leaks through it.
    /// </summary>
    public static DicomDataset BuildFileMeta(DicomDataset dataset, DicomTransferSyntax syntax, DicomWriteOptions? options = null, DicomDataset? sourceFileMeta = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(syntax);
        options ??= DicomWriteOptions.Default;
        // VRs are given (PS3.10 Table 7.1-1), so writing a file does not need the data dictionary.
        var meta = new DicomDataset();
        meta.Set(new DicomElement(DicomTags.FileMetaInformationVersion, DicomVR.OB, new byte[] { 0, 1 }));
        // Type 1 in the meta, but a data set without SOP UIDs (already invalid) gets none rather than empty ones.
        if ((NonEmpty(dataset.GetUid(DicomTags.SOPClassUID)) ?? NonEmpty(sourceFileMeta?.GetUid(DicomTags.MediaStorageSOPClassUID))) is { } sopClass)
        {
            meta.SetString(DicomTags.MediaStorageSOPClassUID, sopClass, DicomVR.UI);
        }

        if ((NonEmpty(dataset.GetUid(DicomTags.SOPInstanceUID)) ?? NonEmpty(sourceFileMeta?.GetUid(DicomTags.MediaStorageSOPInstanceUID))) is { } sopInstance)
        {
            meta.SetString(DicomTags.MediaStorageSOPInstanceUID, sopInstance, DicomVR.UI);
        }
        meta.SetString(DicomTags.TransferSyntaxUID, syntax.Uid, DicomVR.UI);
        meta.SetString(DicomTags.ImplementationClassUID, options.ImplementationClassUid, DicomVR.UI);
        meta.SetString(DicomTags.ImplementationVersionName, options.ImplementationVersionName, DicomVR.SH);
        if (!string.IsNullOrEmpty(options.SourceApplicationEntityTitle))
        {
            meta.SetString(DicomTags.SourceApplicationEntityTitle, options.SourceApplicationEntityTitle, DicomVR.AE);
        }

        long length = 0;
        foreach (var item in meta)
        {
            length += ElementLength(item, explicitVR: true, options, lengths: null);
        }

        meta.SetValues(GroupLength0002, DicomVR.UL, new[] { checked((uint)length) });
        return meta;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static void WriteDatasetBody(Stream output, DicomDataset dataset, DicomTransferSyntax syntax, DicomWriteOptions options)
    {
        if (syntax.IsDeflated)
        {
            using var deflate = new DeflateStream(output, options.DeflateLevel, leaveOpen: true);
            using var body = new DicomOutput(deflate);
            WriteItems(body, dataset, true, false, options);
            return;
        }

        using var plain = new DicomOutput(output);
        WriteItems(plain, dataset, syntax.IsExplicitVR, syntax.IsBigEndian, options);
    }

    private static void CheckPixelEncoding(DicomDataset dataset, DicomTransferSyntax syntax)
    {
        var pixel = dataset[DicomTags.PixelData];
        if (pixel is DicomFragmentSequence && !syntax.IsEncapsulated)
        {
            throw new InvalidOperationException($"The pixel data is encapsulated (compressed); it cannot be written as {syntax.Name} without decoding it first.");
        }

        if (pixel is DicomElement && syntax.IsEncapsulated)
        {
            throw new InvalidOperationException($"The pixel data is native; writing it as {syntax.Name} needs an encoder, which this library does not have.");
        }
    }

    private static void WriteItems(DicomOutput output, DicomDataset dataset, bool explicitVR, bool bigEndian, DicomWriteOptions options)
    {
        var lengths = options.DefinedLengthSequences ? new Dictionary<object, long>(ReferenceEqualityComparer.Instance) : null;
        WriteItems(output, dataset, explicitVR, bigEndian, options, lengths);
    }

    private static void WriteItems(DicomOutput output, DicomDataset dataset, bool explicitVR, bool bigEndian, DicomWriteOptions options, Dictionary<object, long>? lengths)
    {
        foreach (var item in dataset)
        {
            if (item.Tag.IsGroupLength && item.Tag != GroupLength0002)
            {
                continue; // retired outside group 0002 (PS3.5 7.2); stale once anything changes
            }

            switch (item)
            {
                case DicomElement element:
                    WriteElement(output, element, explicitVR, bigEndian);
                    break;
                case DicomSequence sequence:
                    WriteSequence(output, sequence, explicitVR, bigEndian, options, lengths);
                    break;
                case DicomFragmentSequence fragments:
                    WriteFragments(output, fragments, explicitVR, bigEndian);
                    break;
            }
        }
    }

    private static void WriteElement(DicomOutput output, DicomElement element, bool explicitVR, bool bigEndian)
    {
        var length = element.Value.Length;
        var padded = length + (length & 1);
        var vr = element.VR;
        if (explicitVR && !DicomVRInfo.HasLongExplicitLength(vr) && padded > ushort.MaxValue)
        {
            vr = DicomVR.UN; // PS3.5 6.2.2: a value too long for a 16-bit length is written as UN
        }

        if (padded > uint.MaxValue - 1)
        {
            throw new InvalidOperationException($"{element.Tag} is too long for a DICOM value ({length} bytes).");
        }

        WriteHeader(output, element.Tag, vr, (uint)padded, explicitVR, bigEndian);
        var swapUnit = bigEndian ? DicomVRInfo.SwapUnit(element.VR) : 1;
        output.WriteValue(element.Value, swapUnit);
        if ((length & 1) == 1)
        {
            output.WriteByte(DicomVRInfo.PaddingByte(element.VR));
        }
    }

    private static void WriteSequence(DicomOutput output, DicomSequence sequence, bool explicitVR, bool bigEndian, DicomWriteOptions options, Dictionary<object, long>? lengths)
    {
        var defined = lengths is not null;
        var length = defined ? SequenceValueLength(sequence, explicitVR, options, lengths) : DicomReader.UndefinedLength;
        WriteHeader(output, sequence.Tag, DicomVR.SQ, checked((uint)length), explicitVR, bigEndian);
        foreach (var item in sequence.Items)
        {
            var itemLength = defined ? DatasetLength(item, explicitVR, options, lengths) : DicomReader.UndefinedLength;
            WriteTag(output, DicomTag.Item, bigEndian);
            output.WriteUInt32(checked((uint)itemLength), bigEndian);
            WriteItems(output, item, explicitVR, bigEndian, options, lengths);
            if (!defined)
            {
                WriteTag(output, DicomTag.ItemDelimitation, bigEndian);
                output.WriteUInt32(0, bigEndian);
            }
        }

        if (!defined)
        {
            WriteTag(output, DicomTag.SequenceDelimitation, bigEndian);
            output.WriteUInt32(0, bigEndian);
        }
    }

    private static void WriteFragments(DicomOutput output, DicomFragmentSequence fragments, bool explicitVR, bool bigEndian)
    {
        WriteHeader(output, fragments.Tag, fragments.VR, DicomReader.UndefinedLength, explicitVR, bigEndian);
        WriteFragment(output, fragments.OffsetTable, bigEndian);
        foreach (var fragment in fragments.Fragments)
        {
            WriteFragment(output, fragment, bigEndian);
        }

        WriteTag(output, DicomTag.SequenceDelimitation, bigEndian);
        output.WriteUInt32(0, bigEndian);
    }

    private static void WriteFragment(DicomOutput output, DicomValue value, bool bigEndian)
    {
        var length = value.Length;
        WriteTag(output, DicomTag.Item, bigEndian);
        output.WriteUInt32(checked((uint)(length + (length & 1))), bigEndian);
        output.WriteValue(value, 1);
        if ((length & 1) == 1)
        {
            output.WriteByte(0);
        }
    }

    private static void WriteTag(DicomOutput output, DicomTag tag, bool bigEndian)
    {
        output.WriteUInt16(tag.Group, bigEndian);
        output.WriteUInt16(tag.Element, bigEndian);
    }

    private static void WriteHeader(DicomOutput output, DicomTag tag, DicomVR vr, uint length, bool explicitVR, bool bigEndian)
    {
        WriteTag(output, tag, bigEndian);
        if (!explicitVR)
        {
            output.WriteUInt32(length, bigEndian);
            return;
        }

        output.WriteByte((byte)((ushort)vr >> 8));
        output.WriteByte((byte)vr);
        if (DicomVRInfo.HasLongExplicitLength(vr))
        {
            output.WriteUInt16(0, bigEndian);
            output.WriteUInt32(length, bigEndian);
        }
        else
        {
            output.WriteUInt16(checked((ushort)length), bigEndian);
        }
    }

    // ---- lengths for defined-length sequences and the meta group length ----

    private static long DatasetLength(DicomDataset dataset, bool explicitVR, DicomWriteOptions options, Dictionary<object, long>? lengths)
    {
        if (lengths is not null && lengths.TryGetValue(dataset, out var cached))
        {
            return cached;
        }

        long total = 0;
        foreach (var item in dataset)
        {
            if (item.Tag.IsGroupLength && item.Tag != GroupLength0002)
            {
                continue;
            }

            total += ElementLength(item, explicitVR, options, lengths);
        }

        if (lengths is not null)
        {
            lengths[dataset] = total;
        }

        return total;
    }

    private static long SequenceValueLength(DicomSequence sequence, bool explicitVR, DicomWriteOptions options, Dictionary<object, long>? lengths)
    {
        if (lengths is not null && lengths.TryGetValue(sequence, out var cached))
        {
            return cached;
        }

        long total = 0;
        foreach (var item in sequence.Items)
        {
            total += 8 + DatasetLength(item, explicitVR, options, lengths);
        }

        if (total >= DicomReader.UndefinedLength)
        {
            throw new InvalidOperationException($"{sequence.Tag} is too long for a defined-length sequence; write it with undefined length.");
        }

        if (lengths is not null)
        {
            lengths[sequence] = total;
        }

        return total;
    }

    private static long ElementLength(DicomItem item, bool explicitVR, DicomWriteOptions options, Dictionary<object, long>? lengths)
    {
        switch (item)
        {
            case DicomElement element:
                var padded = element.Value.Length + (element.Value.Length & 1);
                var vr = element.VR;
                if (explicitVR && !DicomVRInfo.HasLongExplicitLength(vr) && padded > ushort.MaxValue)
                {
                    vr = DicomVR.UN;
                }

                return HeaderLength(vr, explicitVR) + padded;
            case DicomSequence sequence:
                var body = lengths is not null
                    ? SequenceValueLength(sequence, explicitVR, options, lengths)
                    : sequence.Items.Sum(i => 16 + DatasetLength(i, explicitVR, options, null)) + 8;
                return HeaderLength(DicomVR.SQ, explicitVR) + body;
            case DicomFragmentSequence fragments:
                return HeaderLength(fragments.VR, explicitVR) + 8 + fragments.OffsetTable.Length + (fragments.OffsetTable.Length & 1)
                    + fragments.Fragments.Sum(f => 8 + f.Length + (f.Length & 1)) + 8;
            default:
                throw new InvalidOperationException("Unknown item type " + item.GetType().Name);
        }
    }

    private static int HeaderLength(DicomVR vr, bool explicitVR) =>
        !explicitVR ? 8 : DicomVRInfo.HasLongExplicitLength(vr) ? 12 : 8;
}
