using System.Text;
using System.Text.Json;

namespace Telerad.Dicom;

/// <summary>
/// Parses DICOM JSON model objects (PS3.18 F.2) into data sets with <see cref="Utf8JsonReader"/>.
/// Text of VRs that follow the Specific Character Set is encoded once the whole top-level object is
/// read, so (0008,0005) applies wherever it appears in the object and items inherit it (PS3.5 7.5.3).
/// Errors are <see cref="DicomFormatException"/>s with the byte offset and tag path, never a value.
/// </summary>
internal sealed partial class DicomJsonModelReader
{
    private static readonly DicomTag PixelData = new(0x7FE00010u);

    private readonly DicomJsonReaderOptions _options;
    private readonly List<DicomPathStep> _path = [];
    private readonly List<DeferredText> _deferred = [];

    private DicomJsonModelReader(DicomJsonReaderOptions options)
    {
        _options = options;
    }

    /// <summary>Text waiting for its data set's character set to be known.</summary>
    private readonly record struct DeferredText(DicomDataset Dataset, DicomTag Tag, DicomVR VR, string Text, long Offset, DicomPathStep[] Path);

    /// <summary>Reads one data set object, or (when <paramref name="allowArray"/>) an array of them (F.2.1).</summary>
    public static List<DicomDataset> Read(ReadOnlySpan<byte> json, DicomJsonReaderOptions options, bool allowArray)
    {
        if (json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            json = json[3..]; // a UTF-8 byte order mark, which RFC 8259 lets a parser ignore
        }

        var model = new DicomJsonModelReader(options);
        // Each sequence level is three JSON levels (attribute, Value array, item), plus the document's own two.
        var maxJsonDepth = (options.MaxDepth * 3) + 8;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions
        {
            // The standard's own examples (PS3.18 F.4) carry // comments.
            CommentHandling = JsonCommentHandling.Skip,
            MaxDepth = maxJsonDepth,
        });
        try
        {
            return model.ReadDocument(ref reader, allowArray);
        }
        catch (JsonException)
        {
            // The parser's message quotes the offending input; ours gives only where it is.
            var reason = reader.CurrentDepth >= maxJsonDepth - 1
                ? $"Sequences are nested deeper than {options.MaxDepth} levels"
                : "The input is not well-formed JSON";
            throw new DicomFormatException(reason, reader.BytesConsumed, model.PathString());
        }
    }

    private List<DicomDataset> ReadDocument(ref Utf8JsonReader reader, bool allowArray)
    {
        var datasets = new List<DicomDataset>();
        Next(ref reader, "The input is empty");
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            if (!allowArray)
            {
                throw Error("The JSON holds an array of data sets (F.2.1 multiple results); read it with ReadAll", reader.TokenStartIndex);
            }

            while (true)
            {
                Next(ref reader, "The input ended inside the array of data sets");
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    break;
                }

                datasets.Add(ReadTopLevel(ref reader));
            }
        }
        else
        {
            datasets.Add(ReadTopLevel(ref reader));
        }

        if (reader.Read())
        {
            throw Error("Unexpected content after the data set", reader.TokenStartIndex);
        }

        return datasets;
    }

    private DicomDataset ReadTopLevel(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error($"Expected a data set object, found {Describe(reader.TokenType)}", reader.TokenStartIndex);
        }

        var dataset = new DicomDataset();
        ReadDataset(ref reader, dataset, depth: 0);
        ApplyDeferredText();
        return dataset;
    }

    /// <summary>Reads the attributes of one object; the reader is on its StartObject and ends on its EndObject.</summary>
    private void ReadDataset(ref Utf8JsonReader reader, DicomDataset dataset, int depth)
    {
        while (true)
        {
            Next(ref reader, "The input ended inside a data set object");
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            var tag = ParseTag(ref reader, "An attribute name is not an 8-digit hexadecimal tag");
            _path.Add(new DicomPathStep(tag));
            Next(ref reader, "The input ended after an attribute name");
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error($"The attribute is {Describe(reader.TokenType)}, not an object", reader.TokenStartIndex);
            }

            ReadAttribute(ref reader, dataset, tag, depth);
            _path.RemoveAt(_path.Count - 1);
        }
    }

    /// <summary>F.2.2: an 8-digit hexadecimal tag (uppercase in the standard; lowercase is accepted).</summary>
    private DicomTag ParseTag(ref Utf8JsonReader reader, string invalidMessage)
    {
        var start = reader.TokenStartIndex;
        var name = reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
        uint value = 0;
        var valid = name.Length == 8;
        for (var i = 0; valid && i < 8; i++)
        {
            var digit = HexDigit(name[i]);
            valid = digit >= 0;
            value = (value << 4) | (uint)digit;
        }

        return valid ? new DicomTag(value) : throw Error(invalidMessage, start);
    }

    private void ReadAttribute(ref Utf8JsonReader reader, DicomDataset dataset, DicomTag tag, int depth)
    {
        var attributeStart = reader.TokenStartIndex;
        var vr = DicomVR.None;
        var hasValue = false;
        var valueReader = default(Utf8JsonReader);
        byte[]? inlineBinary = null;
        string? bulkDataUri = null;
        var kinds = 0;
        var added = false;
        while (true)
        {
            Next(ref reader, "The input ended inside an attribute");
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            if (reader.ValueTextEquals("vr"u8))
            {
                Next(ref reader, "The input ended inside an attribute");
                vr = ParseVR(ref reader);
            }
            else if (reader.ValueTextEquals("Value"u8))
            {
                Next(ref reader, "The input ended inside an attribute");
                kinds++;
                if (vr != DicomVR.None && !tag.IsGroupLength)
                {
                    EnsureNew(dataset, tag, attributeStart);
                    AddValues(ref reader, dataset, tag, vr, depth);
                    added = true;
                }
                else
                {
                    // "vr" may come after "Value" (pydicom writes it so): remember where the values start,
                    // and read them once the VR is known.
                    valueReader = reader;
                    hasValue = true;
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("InlineBinary"u8))
            {
                Next(ref reader, "The input ended inside an attribute");
                inlineBinary = ReadInlineBinary(ref reader);
                kinds++;
            }
            else if (reader.ValueTextEquals("BulkDataURI"u8))
            {
                Next(ref reader, "The input ended inside an attribute");
                bulkDataUri = ReadSingleString(ref reader, "BulkDataURI");
                kinds++;
            }
            else
            {
                Next(ref reader, "The input ended inside an attribute");
                reader.Skip(); // a member the model does not define (e.g. a keyword): ignored
            }
        }

        if (vr == DicomVR.None)
        {
            throw Error("The attribute has no \"vr\"", attributeStart);
        }

        if (kinds > 1)
        {
            throw Error("The attribute has more than one of Value, InlineBinary and BulkDataURI", attributeStart);
        }

        if (tag.IsGroupLength || added)
        {
            return; // F.2.2: group lengths are not part of the model; they are recomputed when a file is written
        }

        EnsureNew(dataset, tag, attributeStart);
        if (bulkDataUri is not null)
        {
            AddBulkDataReference(dataset, tag, vr, bulkDataUri, attributeStart);
        }
        else if (inlineBinary is not null)
        {
            AddInlineBinary(dataset, tag, vr, inlineBinary, depth, attributeStart);
        }
        else if (hasValue)
        {
            AddValues(ref valueReader, dataset, tag, vr, depth);
        }
        else
        {
            AddEmpty(dataset, tag, vr);
        }
    }

    private void EnsureNew(DicomDataset dataset, DicomTag tag, long offset)
    {
        if (dataset.Contains(tag))
        {
            throw Error("The attribute appears twice in the same data set", offset);
        }
    }

    /// <summary>F.2.5: an attribute without values (no Value, or a null one) is present and empty.</summary>
    private static void AddEmpty(DicomDataset dataset, DicomTag tag, DicomVR vr) =>
        dataset.Set(vr == DicomVR.SQ ? new DicomSequence(tag) : new DicomElement(tag, vr, DicomValue.Empty));

    private void AddValues(ref Utf8JsonReader reader, DicomDataset dataset, DicomTag tag, DicomVR vr, int depth)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            AddEmpty(dataset, tag, vr);
        }
        else
        {
            ReadValues(ref reader, dataset, tag, vr, depth);
        }
    }

    private DicomVR ParseVR(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Error($"\"vr\" is {Describe(reader.TokenType)}, not a string", reader.TokenStartIndex);
        }

        var code = reader.ValueSpan;
        var vr = code.Length == 2 && !reader.ValueIsEscaped ? DicomVRInfo.FromBytes(code[0], code[1]) : DicomVR.None;
        return vr != DicomVR.None ? vr : throw Error("\"vr\" is not a DICOM VR", reader.TokenStartIndex);
    }

    /// <summary>
    /// F.2.7: base64 of the whole Value Field. Also taken: null (an empty value), and a one-string array,
    /// the form the example in PS3.18 F.4 prints.
    /// </summary>
    private byte[]? ReadInlineBinary(ref Utf8JsonReader reader)
    {
        var start = reader.TokenStartIndex;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return [];
        }

        var inArray = reader.TokenType == JsonTokenType.StartArray;
        if (inArray)
        {
            Next(ref reader, "The input ended inside InlineBinary");
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw Error("InlineBinary is not a base64 string", start);
        }

        byte[] bytes;
        try
        {
            bytes = reader.GetBytesFromBase64();
        }
        catch (FormatException)
        {
            throw Error("InlineBinary is not valid base64", start);
        }

        if (inArray)
        {
            Next(ref reader, "The input ended inside InlineBinary");
            if (reader.TokenType != JsonTokenType.EndArray)
            {
                throw Error("InlineBinary holds more than one string", start);
            }
        }

        return bytes;
    }

    private string ReadSingleString(ref Utf8JsonReader reader, string member)
    {
        var start = reader.TokenStartIndex;
        var inArray = reader.TokenType == JsonTokenType.StartArray;
        if (inArray)
        {
            Next(ref reader, $"The input ended inside {member}");
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw Error($"{member} is not a string", start);
        }

        var text = reader.GetString()!;
        if (inArray)
        {
            Next(ref reader, $"The input ended inside {member}");
            if (reader.TokenType != JsonTokenType.EndArray)
            {
                throw Error($"{member} holds more than one string", start);
            }
        }

        return text;
    }

    private void AddBulkDataReference(DicomDataset dataset, DicomTag tag, DicomVR vr, string uri, long offset)
    {
        if (_options.BulkData == DicomJsonBulkDataHandling.Refuse)
        {
            throw Error("The attribute's value is a BulkDataURI, and bulk data references are refused", offset);
        }

        if (vr == DicomVR.SQ)
        {
            throw Error("A sequence cannot be a BulkDataURI", offset);
        }

        dataset.Set(new DicomElement(tag, vr, new DicomBulkDataUriValue(uri)));
    }

    private void AddInlineBinary(DicomDataset dataset, DicomTag tag, DicomVR vr, byte[] bytes, int depth, long offset)
    {
        if (vr == DicomVR.SQ)
        {
            throw Error("A sequence cannot be InlineBinary", offset);
        }

        if (depth == 0 && tag == PixelData && vr is DicomVR.OB or DicomVR.OW
            && EncapsulatedItems.TryParse(bytes, out var offsetTable, out var fragments))
        {
            dataset.Set(new DicomFragmentSequence(tag, vr, offsetTable, fragments));
            return;
        }

        // F.2.7 allows InlineBinary for any VR (e.g. a US lookup table): the bytes are the value as they are.
        dataset.Set(new DicomElement(tag, vr, bytes));
    }

    /// <summary>The "Value" array (F.2.4): the reader is on its StartArray.</summary>
    private void ReadValues(ref Utf8JsonReader reader, DicomDataset dataset, DicomTag tag, DicomVR vr, int depth)
    {
        var start = reader.TokenStartIndex;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Error($"Value is {Describe(reader.TokenType)}, not an array", start);
        }

        switch (vr)
        {
            case DicomVR.SQ:
                ReadSequence(ref reader, dataset, tag, depth);
                break;
            case DicomVR.PN:
                Defer(dataset, tag, vr, ReadPersonNames(ref reader), start);
                break;
            case DicomVR.OB or DicomVR.OD or DicomVR.OF or DicomVR.OL or DicomVR.OV or DicomVR.OW or DicomVR.UN:
                throw Error($"Value is not allowed for VR {DicomVRInfo.ToCode(vr)}; it is sent as InlineBinary or BulkDataURI (F.2.2)", start);
            case DicomVR.AT or DicomVR.US or DicomVR.SS or DicomVR.UL or DicomVR.SL or DicomVR.SV or DicomVR.UV or DicomVR.FL or DicomVR.FD:
                dataset.Set(new DicomElement(tag, vr, ReadBinaryNumbers(ref reader, vr)));
                break;
            default:
                if (DicomVRInfo.UsesSpecificCharacterSet(vr))
                {
                    Defer(dataset, tag, vr, ReadText(ref reader, vr), start);
                }
                else
                {
                    dataset.Set(new DicomElement(tag, vr, ReadDefaultRepertoire(ref reader, vr)));
                }

                break;
        }
    }

    private void ReadSequence(ref Utf8JsonReader reader, DicomDataset dataset, DicomTag tag, int depth)
    {
        var sequence = new DicomSequence(tag);
        dataset.Set(sequence); // items added below see the data set as their parent, for the character set
        var index = 0;
        while (true)
        {
            Next(ref reader, "The input ended inside a sequence");
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error($"A sequence item is {Describe(reader.TokenType)}, not an object", reader.TokenStartIndex);
            }

            if (depth + 1 > _options.MaxDepth)
            {
                throw Error($"Sequences are nested deeper than {_options.MaxDepth} levels", reader.TokenStartIndex);
            }

            _path[^1] = new DicomPathStep(tag, index++);
            var item = new DicomDataset();
            sequence.Items.Add(item);
            ReadDataset(ref reader, item, depth + 1);
        }
    }

    private void Defer(DicomDataset dataset, DicomTag tag, DicomVR vr, string text, long offset)
    {
        dataset.Set(new DicomElement(tag, vr, DicomValue.Empty)); // holds the place, so a duplicate is still caught
        _deferred.Add(new DeferredText(dataset, tag, vr, text, offset, [.. _path]));
    }

    /// <summary>Encodes the deferred text in each data set's character set, now that every (0008,0005) is in place.</summary>
    private void ApplyDeferredText()
    {
        foreach (var deferred in _deferred)
        {
            byte[] bytes;
            try
            {
                bytes = DicomText.EncodeValues([deferred.Text], deferred.VR, deferred.Dataset.CharacterSet);
            }
            catch (ArgumentException)
            {
                throw new DicomFormatException("The text cannot be encoded in the data set's Specific Character Set", deferred.Offset, DicomBulkDataRequest.FormatPath(deferred.Path));
            }

            deferred.Dataset.Set(new DicomElement(deferred.Tag, deferred.VR, bytes));
        }

        _deferred.Clear();
    }

    private void Next(ref Utf8JsonReader reader, string endMessage)
    {
        if (!reader.Read())
        {
            throw Error(endMessage, reader.BytesConsumed);
        }
    }

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        _ => -1,
    };

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };

    private string PathString() => DicomBulkDataRequest.FormatPath(_path);

    private DicomFormatException Error(string reason, long offset) => new(reason, offset, PathString());
}
