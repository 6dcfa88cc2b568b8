using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Telerad.Dicom;

/// <summary>
/// Writes data sets as DICOM JSON model objects (PS3.18 F.2) to a <see cref="Utf8JsonWriter"/>.
/// Large values are streamed: binary values are read in chunks and base64-encoded segment by segment,
/// and the JSON writer is flushed as it goes, so memory stays bounded whatever the value size.
/// </summary>
internal sealed partial class DicomJsonModelWriter
{
    /// <summary>Bytes per read and per base64 segment: a multiple of 3 (whole base64 groups) and of 8 (every VR's value size).</summary>
    private const int ChunkSize = 48 * 1024;

    /// <summary>Pending output above which the JSON writer is flushed to its stream or buffer writer.</summary>
    private const int FlushThreshold = 64 * 1024;

    /// <summary>Largest text value decoded in memory, as <see cref="DicomDataset.GetStrings"/> allows.</summary>
    private const long MaxTextBytes = 64 << 20;

    private static readonly JsonEncodedText VrName = JsonEncodedText.Encode("vr");
    private static readonly JsonEncodedText ValueName = JsonEncodedText.Encode("Value");
    private static readonly JsonEncodedText InlineBinaryName = JsonEncodedText.Encode("InlineBinary");
    private static readonly JsonEncodedText BulkDataUriName = JsonEncodedText.Encode("BulkDataURI");
    private static readonly JsonEncodedText[] PersonNameGroupNames =
    [
        JsonEncodedText.Encode("Alphabetic"),
        JsonEncodedText.Encode("Ideographic"),
        JsonEncodedText.Encode("Phonetic"),
    ];

    private readonly Utf8JsonWriter _json;
    private readonly DicomJsonWriterOptions _options;
    private readonly List<DicomPathStep> _path = [];
    private byte[]? _chunk;
    private int _chunkCount;
    private byte[]? _readBuffer;

    public DicomJsonModelWriter(Utf8JsonWriter json, DicomJsonWriterOptions options)
    {
        _json = json;
        _options = options;
    }

    /// <summary>One data set as a JSON object: attributes keyed by tag, in ascending order (F.2.2).</summary>
    public void WriteDataset(DicomDataset dataset)
    {
        _json.WriteStartObject();
        foreach (var item in dataset)
        {
            // F.2.2: group lengths are never included; group 0002 describes a file, not the data set.
            if (item.Tag.IsGroupLength || (_options.ExcludeFileMetaInformation && item.Tag.IsFileMeta))
            {
                continue;
            }

            WriteAttribute(dataset, item);
            FlushIfFull();
        }

        _json.WriteEndObject();
    }

    private void WriteAttribute(DicomDataset dataset, DicomItem item)
    {
        Span<byte> name = stackalloc byte[8];
        Utf8Formatter.TryFormat(item.Tag.Value, name, out _, new StandardFormat('X', 8));
        _json.WritePropertyName(name);
        _json.WriteStartObject();
        Span<byte> vr = [(byte)((ushort)item.VR >> 8), (byte)item.VR];
        _json.WriteString(VrName, vr);
        _path.Add(new DicomPathStep(item.Tag));
        switch (item)
        {
            case DicomSequence sequence:
                WriteSequence(sequence);
                break;
            case DicomFragmentSequence fragments:
                WriteFragments(fragments);
                break;
            case DicomElement element:
                WriteElement(dataset, element);
                break;
        }

        _path.RemoveAt(_path.Count - 1);
        _json.WriteEndObject();
    }

    private void WriteSequence(DicomSequence sequence)
    {
        if (sequence.Items.Count == 0)
        {
            return; // F.2.5: an empty attribute has no Value
        }

        _json.WritePropertyName(ValueName);
        _json.WriteStartArray();
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            _path[^1] = new DicomPathStep(sequence.Tag, i);
            WriteDataset(sequence.Items[i]);
        }

        _json.WriteEndArray();
    }

    private void WriteElement(DicomDataset dataset, DicomElement element)
    {
        var value = element.Value;
        if (value is DicomBulkDataUriValue reference)
        {
            _json.WriteString(BulkDataUriName, reference.Uri);
            return;
        }

        if (value.Length == 0 || TryWriteBulkDataUri(element, value.Length))
        {
            return;
        }

        var vr = element.VR;
        if (vr is DicomVR.IS or DicomVR.DS)
        {
            WriteNumberStrings(element, integerOnly: vr == DicomVR.IS);
            return;
        }

        if (DicomVRInfo.IsString(vr))
        {
            var values = dataset.GetStrings(element.Tag);
            if (vr == DicomVR.PN)
            {
                values = WithoutEmptyNameGroups(values);
            }

            if (values.Length == 0 || (values.Length == 1 && values[0].Length == 0))
            {
                return; // only padding: as empty as a zero-length value (F.2.5)
            }

            _json.WritePropertyName(ValueName);
            _json.WriteStartArray();
            if (vr == DicomVR.PN)
            {
                WritePersonNames(values);
            }
            else
            {
                WriteStrings(values);
            }

            _json.WriteEndArray();
            return;
        }

        var unit = vr == DicomVR.AT ? 4 : DicomVRInfo.SwapUnit(vr);
        var isNumeric = vr is DicomVR.AT or DicomVR.US or DicomVR.SS or DicomVR.UL or DicomVR.SL
            or DicomVR.SV or DicomVR.UV or DicomVR.FL or DicomVR.FD;
        if (isNumeric && value.Length % unit == 0)
        {
            _json.WritePropertyName(ValueName);
            _json.WriteStartArray();
            WriteBinaryNumbers(value, vr);
            _json.WriteEndArray();
            return;
        }

        // OB, OD, OF, OL, OV, OW, UN; and numbers whose length is not a whole number of values, which
        // F.2.7 allows as InlineBinary too, so no byte is lost.
        _json.WritePropertyName(InlineBinaryName);
        AppendBase64(value);
        CompleteBase64();
    }

    /// <summary>F.2.6: asks the caller for a URI when the value is long and its VR may be sent as bulk data.</summary>
    private bool TryWriteBulkDataUri(DicomItem item, long length)
    {
        if (_options.BulkDataUri is not { } uriFor || length < _options.BulkDataThreshold || !MayBeBulkData(item.VR))
        {
            return false;
        }

        var uri = uriFor(new DicomBulkDataRequest([.. _path], item, length));
        if (uri is null)
        {
            return false;
        }

        _json.WriteString(BulkDataUriName, uri);
        return true;
    }

    /// <summary>The VRs F.2.2 lists for BulkDataURI.</summary>
    private static bool MayBeBulkData(DicomVR vr) => vr is DicomVR.DS or DicomVR.FL or DicomVR.FD or DicomVR.IS
        or DicomVR.LT or DicomVR.OB or DicomVR.OD or DicomVR.OF or DicomVR.OL or DicomVR.OV or DicomVR.OW
        or DicomVR.SL or DicomVR.SS or DicomVR.ST or DicomVR.SV or DicomVR.UC or DicomVR.UL or DicomVR.UN
        or DicomVR.US or DicomVR.UT or DicomVR.UV;

    /// <summary>
    /// Encapsulated pixel data (PS3.5 A.4) as the InlineBinary of its Value Field (F.2.7): the Basic Offset
    /// Table item and each fragment item, tag and length included, without the Sequence Delimitation Item
    /// that only marks where the undefined-length value ends (as pydicom writes it).
    /// </summary>
    private void WriteFragments(DicomFragmentSequence fragments)
    {
        long length = 8 + fragments.OffsetTable.Length;
        foreach (var fragment in fragments.Fragments)
        {
            length += 8 + fragment.Length;
        }

        if (TryWriteBulkDataUri(fragments, length))
        {
            return;
        }

        _json.WritePropertyName(InlineBinaryName);
        AppendBase64Item(fragments.OffsetTable);
        foreach (var fragment in fragments.Fragments)
        {
            AppendBase64Item(fragment);
        }

        CompleteBase64();
    }

    private void WriteStrings(string[] values)
    {
        foreach (var value in values)
        {
            if (value.Length == 0)
            {
                _json.WriteNullValue(); // F.2.5: an empty value among others is null
            }
            else
            {
                _json.WriteStringValue(value);
            }
        }
    }

    /// <summary>F.2.2: each PN value is an object with its non-empty component groups; an empty value is null (F.2.5).</summary>
    private void WritePersonNames(string[] values)
    {
        foreach (var value in values)
        {
            if (value.Length == 0)
            {
                _json.WriteNullValue();
                continue;
            }

            var groups = value.Split('=');
            _json.WriteStartObject();
            for (var i = 0; i < PersonNameGroupNames.Length && i < groups.Length; i++)
            {
                // PN has three groups; a malformed value with more keeps them in the last one rather than dropping them.
                var group = i == PersonNameGroupNames.Length - 1 && groups.Length > PersonNameGroupNames.Length
                    ? string.Join('=', groups[i..])
                    : groups[i];
                if (group.Length > 0)
                {
                    _json.WriteString(PersonNameGroupNames[i], group);
                }
            }

            _json.WriteEndObject();
        }
    }

    /// <summary>
    /// A group of separators only ("^^^^") has no non-empty name component (F.2.2), so it is dropped, as
    /// dcm2json does; a name with no group left is an empty value.
    /// </summary>
    private static string[] WithoutEmptyNameGroups(string[] values)
    {
        for (var v = 0; v < values.Length; v++)
        {
            var groups = values[v].Split('=');
            for (var i = 0; i < groups.Length; i++)
            {
                if (groups[i].AsSpan().IndexOfAnyExcept('^', ' ') < 0)
                {
                    groups[i] = string.Empty;
                }
            }

            values[v] = string.Join('=', groups).TrimEnd('=');
        }

        return values;
    }

    /// <summary>
    /// F.2.3: IS and DS as JSON numbers with their digits as written; text that is not a number stays a
    /// string. These VRs are ASCII by definition (PS3.5 6.2), so the bytes are split and reshaped directly,
    /// without a string per value: a contour can hold hundreds of thousands of them.
    /// </summary>
    private void WriteNumberStrings(DicomElement element, bool integerOnly)
    {
        var text = element.Value.GetMemory(MaxTextBytes).Span;
        if (text.IndexOfAnyExcept(" \0"u8) < 0)
        {
            return; // only padding: as empty as a zero-length value (F.2.5)
        }

        Span<byte> number = stackalloc byte[64];
        _json.WritePropertyName(ValueName);
        _json.WriteStartArray();
        while (true)
        {
            var end = text.IndexOf((byte)'\\');
            var value = (end < 0 ? text : text[..end]).Trim(" \0"u8);
            if (value.IsEmpty)
            {
                _json.WriteNullValue(); // F.2.5: an empty value among others is null
            }
            else if (DicomJsonNumbers.TryFormat(value, integerOnly, number, out var written))
            {
                _json.WriteRawValue(number[..written], skipInputValidation: true);
            }
            else
            {
                _json.WriteStringValue(DicomText.DecodeAscii(value)); // as GetStrings decodes these VRs
            }

            if (end < 0)
            {
                break;
            }

            text = text[(end + 1)..];
        }

        _json.WriteEndArray();
    }

    private void FlushIfFull()
    {
        if (_json.BytesPending > FlushThreshold)
        {
            _json.Flush();
        }
    }
}
