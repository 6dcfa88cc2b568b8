using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Telerad.Dicom;

/// <summary>The values of one "Value" array, by VR (PS3.18 F.2.3, F.2.4, F.2.5).</summary>
internal sealed partial class DicomJsonModelReader
{
    /// <summary>F.2.2: objects with Alphabetic, Ideographic and Phonetic groups, joined with '=' (PS3.5 6.2.1).</summary>
    private string ReadPersonNames(ref Utf8JsonReader reader)
    {
        var values = new List<string>();
        while (true)
        {
            Next(ref reader, "The input ended inside a person name");
            switch (reader.TokenType)
            {
                case JsonTokenType.EndArray:
                    return string.Join('\\', values);
                case JsonTokenType.Null:
                    values.Add(string.Empty);
                    break;
                case JsonTokenType.String:
                    values.Add(reader.GetString()!); // some servers send PN as a plain string; it is the same text
                    break;
                case JsonTokenType.StartObject:
                    values.Add(ReadPersonName(ref reader));
                    break;
                default:
                    throw Error($"A person name is {Describe(reader.TokenType)}, not an object", reader.TokenStartIndex);
            }
        }
    }

    private string ReadPersonName(ref Utf8JsonReader reader)
    {
        var groups = new string[3];
        while (true)
        {
            Next(ref reader, "The input ended inside a person name");
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var index = reader.ValueTextEquals("Alphabetic"u8) ? 0
                : reader.ValueTextEquals("Ideographic"u8) ? 1
                : reader.ValueTextEquals("Phonetic"u8) ? 2
                : -1;
            Next(ref reader, "The input ended inside a person name");
            if (index < 0)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
            {
                throw Error($"A person name component group is {Describe(reader.TokenType)}, not a string", reader.TokenStartIndex);
            }

            groups[index] = reader.GetString() ?? string.Empty;
        }

        return string.Join('=', groups).TrimEnd('=');
    }

    /// <summary>Text of VRs that follow the Specific Character Set; null is an empty value (F.2.5).</summary>
    private string ReadText(ref Utf8JsonReader reader, DicomVR vr)
    {
        var start = reader.TokenStartIndex;
        var sb = new StringBuilder();
        var count = 0;
        while (true)
        {
            Next(ref reader, "The input ended inside a Value array");
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                break;
            }

            if (count++ > 0)
            {
                sb.Append('\\');
            }

            if (reader.TokenType == JsonTokenType.String)
            {
                sb.Append(reader.GetString());
            }
            else if (reader.TokenType != JsonTokenType.Null)
            {
                throw Error($"A {DicomVRInfo.ToCode(vr)} value is {Describe(reader.TokenType)}, not a string", reader.TokenStartIndex);
            }
        }

        CheckSingleValued(vr, count, start);
        return sb.ToString();
    }

    /// <summary>
    /// Values of VRs outside the Specific Character Set (AE, AS, CS, DA, DS, DT, IS, TM, UI, UR), as bytes:
    /// ASCII text is copied as it is in the JSON. The DICOM reader decodes these VRs as Latin-1 so a stray
    /// high byte stays visible; the same mapping takes it back here. IS and DS numbers keep their digits.
    /// </summary>
    private byte[] ReadDefaultRepertoire(ref Utf8JsonReader reader, DicomVR vr)
    {
        var start = reader.TokenStartIndex;
        var output = new ArrayBufferWriter<byte>(32);
        var count = 0;
        while (true)
        {
            Next(ref reader, "The input ended inside a Value array");
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                break;
            }

            if (count++ > 0)
            {
                output.Write("\\"u8);
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    break;
                case JsonTokenType.String when !reader.ValueIsEscaped && !reader.HasValueSequence && Ascii.IsValid(reader.ValueSpan):
                    output.Write(reader.ValueSpan);
                    break;
                case JsonTokenType.String:
                    var text = reader.GetString()!;
                    if (text.AsSpan().IndexOfAnyExceptInRange('\0', '\u00FF') >= 0)
                    {
                        throw Error($"A {DicomVRInfo.ToCode(vr)} value has characters outside the default character repertoire", reader.TokenStartIndex);
                    }

                    output.Write(Encoding.Latin1.GetBytes(text));
                    break;
                case JsonTokenType.Number when vr is DicomVR.IS or DicomVR.DS:
                    WriteNumberText(ref reader, vr, output);
                    break;
                default:
                    throw Error($"A {DicomVRInfo.ToCode(vr)} value is {Describe(reader.TokenType)}, not a string", reader.TokenStartIndex);
            }
        }

        CheckSingleValued(vr, count, start);
        if (output.WrittenCount % 2 == 1)
        {
            output.Write([DicomVRInfo.PaddingByte(vr)]);
        }

        return output.WrittenSpan.ToArray();
    }

    private void CheckSingleValued(DicomVR vr, int count, long start)
    {
        if (count > 1 && DicomVRInfo.IsSingleValuedText(vr))
        {
            throw Error($"VR {DicomVRInfo.ToCode(vr)} holds one value, the array has {count}", start);
        }
    }

    /// <summary>
    /// The JSON number as IS or DS text. Its digits are kept; a DS longer than its 16 bytes is reformatted
    /// to fit, and an IS must be a whole number (written without fraction or exponent).
    /// </summary>
    private void WriteNumberText(ref Utf8JsonReader reader, DicomVR vr, ArrayBufferWriter<byte> output)
    {
        if (vr == DicomVR.IS)
        {
            var integer = reader.TryGetInt64(out var exact) ? exact
                : reader.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < 1e15 ? (long)d
                : throw Error("An IS value is not an integer", reader.TokenStartIndex);
            Utf8Formatter.TryFormat(integer, output.GetSpan(20), out var written);
            output.Advance(written);
            return;
        }

        if (reader.ValueSpan.Length <= 16)
        {
            output.Write(reader.ValueSpan);
            return;
        }

        var value = reader.TryGetDouble(out var parsed) && double.IsFinite(parsed) ? parsed
            : throw Error("A DS value is out of range", reader.TokenStartIndex);
        output.Write(Encoding.ASCII.GetBytes(DicomNumber.FormatDecimal(value)));
    }

    /// <summary>Binary numbers (F.2.3) in little-endian order. Nulls are skipped: a binary value cannot be empty.</summary>
    private byte[] ReadBinaryNumbers(ref Utf8JsonReader reader, DicomVR vr)
    {
        var output = new ArrayBufferWriter<byte>(64);
        while (true)
        {
            Next(ref reader, "The input ended inside a Value array");
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return output.WrittenSpan.ToArray();
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            var span = output.GetSpan(8);
            var size = vr switch
            {
                DicomVR.US => Write(span, (ushort)ReadInteger(ref reader, vr, ushort.MinValue, ushort.MaxValue)),
                DicomVR.SS => Write(span, (short)ReadInteger(ref reader, vr, short.MinValue, short.MaxValue)),
                DicomVR.UL => Write(span, (uint)ReadInteger(ref reader, vr, uint.MinValue, uint.MaxValue)),
                DicomVR.SL => Write(span, (int)ReadInteger(ref reader, vr, int.MinValue, int.MaxValue)),
                DicomVR.SV => Write(span, ReadInteger(ref reader, vr, long.MinValue, long.MaxValue)),
                DicomVR.UV => Write(span, ReadUnsigned64(ref reader)),
                DicomVR.FL => Write(span, (float)ReadFloat(ref reader, vr)),
                DicomVR.FD => Write(span, ReadFloat(ref reader, vr)),
                _ => WriteTag(span, ReadTagValue(ref reader)),
            };
            output.Advance(size);
        }

        static int Write<T>(Span<byte> destination, T value)
            where T : unmanaged
        {
            System.Runtime.InteropServices.MemoryMarshal.Write(destination, in value);
            return System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        }

        static int WriteTag(Span<byte> destination, DicomTag tag)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination, tag.Group);
            BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], tag.Element);
            return 4;
        }
    }

    private long ReadInteger(ref Utf8JsonReader reader, DicomVR vr, long min, long max)
    {
        long value;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (!reader.TryGetInt64(out value))
            {
                // 16.0 is a whole number too; anything else is not an integer.
                value = reader.TryGetDouble(out var d) && d == Math.Floor(d) && d >= min && d <= max ? (long)d
                    : throw Error($"A {DicomVRInfo.ToCode(vr)} value is not an integer in range", reader.TokenStartIndex);
            }
        }
        else if (reader.TokenType == JsonTokenType.String && vr == DicomVR.SV)
        {
            // F.2.3: SV and UV may be strings, for values a double cannot hold exactly.
            value = long.TryParse(reader.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw Error("An SV value is not an integer", reader.TokenStartIndex);
        }
        else
        {
            throw Error($"A {DicomVRInfo.ToCode(vr)} value is {Describe(reader.TokenType)}, not a number", reader.TokenStartIndex);
        }

        return value >= min && value <= max ? value
            : throw Error($"A {DicomVRInfo.ToCode(vr)} value is out of range", reader.TokenStartIndex);
    }

    private ulong ReadUnsigned64(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out var number))
        {
            return number;
        }

        if (reader.TokenType == JsonTokenType.String
            && ulong.TryParse(reader.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        throw Error("A UV value is not an unsigned 64-bit integer", reader.TokenStartIndex);
    }

    /// <summary>FL and FD: JSON numbers, or the strings the writer uses for what JSON cannot hold (NaN, infinities).</summary>
    private double ReadFloat(ref Utf8JsonReader reader, DicomVR vr)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value))
        {
            return value;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            if (reader.ValueTextEquals("NaN"u8))
            {
                return double.NaN;
            }

            if (reader.ValueTextEquals("Infinity"u8))
            {
                return double.PositiveInfinity;
            }

            if (reader.ValueTextEquals("-Infinity"u8))
            {
                return double.NegativeInfinity;
            }
        }

        throw Error($"A {DicomVRInfo.ToCode(vr)} value is not a number", reader.TokenStartIndex);
    }

    /// <summary>F.2.3: AT as eight hexadecimal digits, group then element.</summary>
    private DicomTag ReadTagValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Error($"An AT value is {Describe(reader.TokenType)}, not a string", reader.TokenStartIndex);
        }

        return ParseTag(ref reader, "An AT value is not an 8-digit hexadecimal tag");
    }
}
