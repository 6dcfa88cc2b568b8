using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Telerad.Dicom.Tests.Json;

/// <summary>Data set → JSON → data set → JSON, every VR and the edge cases PS3.18 F.2 names.</summary>
public sealed class DicomJsonRoundTripTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files => ReferenceJson.ReadableFileNames();

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_pydicom_file_round_trips_to_the_same_json(string fileName)
    {
        using var file = DicomFile.Open(ReferenceJson.PathOf(fileName));
        var first = DicomJsonWriter.Write(file.Dataset);

        var second = DicomJsonWriter.Write(DicomJsonReader.Read(first));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Every_vr_round_trips_and_is_written_as_F2_says()
    {
        var dataset = EveryVR();

        var json = DicomJsonWriter.Write(dataset);
        var read = DicomJsonReader.Read(json);

        Assert.Equal(json, DicomJsonWriter.Write(read));
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        // F.2.2: 8 uppercase hex digits, ascending; group lengths are left out.
        var names = root.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.All(names, n => Assert.Matches("^[0-9A-F]{8}$", n));
        Assert.DoesNotContain("00080000", names);
        // F.2.3: IS and DS are numbers with their digits; text that is no number stays a string.
        Assert.Equal("[5.50,1e3,0.5,\"abc\",-0.0]", Raw(root, "00181050"));
        Assert.Equal("[12,0,null,-7]", Raw(root, "00201208"));
        // F.2.3: SV and UV beyond 2^53 are strings, so a reader using doubles loses nothing.
        Assert.Equal("[\"9223372036854775807\",-5,9007199254740991]", Raw(root, "00660020"));
        Assert.Equal("[\"18446744073709551615\",7]", Raw(root, "00660021"));
        // No JSON number is NaN or infinite: those are strings.
        Assert.Equal("[1.5,\"NaN\",\"Infinity\"]", Raw(root, "00189087"));
        Assert.Equal("[\"-Infinity\",0.1]", Raw(root, "00189089"));
        // F.2.3: AT as the tag's 8 hex digits.
        Assert.Equal("[\"00100010\",\"7FE00010\"]", Raw(root, "00209165"));
        // F.2.2: PN component groups by name, only the non-empty ones; F.2.5: an empty value is null.
        Assert.Equal("[{\"Alphabetic\":\"Yamada^Tarou\",\"Ideographic\":\"山田^太郎\",\"Phonetic\":\"やまだ^たろう\"},null,{\"Ideographic\":\"Ideo\"}]", Raw(root, "00101001"));
        Assert.Equal("[\"A\",null,\"B\"]", Raw(root, "00080008"));
        // F.2.5: a zero-length (or padding-only) value has no Value at all.
        Assert.False(root.GetProperty("00100030").TryGetProperty("Value", out _));
        Assert.False(root.GetProperty("00081140").TryGetProperty("Value", out _));
        Assert.False(root.GetProperty("00100040").TryGetProperty("Value", out _));
        // F.2.7: binary VRs as base64 of the whole value, odd length kept.
        Assert.Equal(Convert.ToBase64String([1, 2, 3]), root.GetProperty("00091001").GetProperty("InlineBinary").GetString());
        // Sequences: arrays of data set objects, an empty item as {}.
        Assert.Equal(2, root.GetProperty("00081115").GetProperty("Value").GetArrayLength());
        Assert.Equal("{}", Raw(root.GetProperty("00081115").GetProperty("Value"), 1));
    }

    [Fact]
    public void Binary_values_come_back_byte_for_byte()
    {
        var dataset = EveryVR();

        var read = DicomJsonReader.Read(DicomJsonWriter.Write(dataset));

        foreach (var element in dataset.OfType<DicomElement>().Where(e => !DicomVRInfo.IsString(e.VR) && !e.Tag.IsGroupLength))
        {
            var back = Assert.IsType<DicomElement>(read[element.Tag]);
            Assert.Equal(element.VR, back.VR);
            Assert.True(element.Value.GetMemory().Span.SequenceEqual(back.Value.GetMemory().Span), element.Tag.ToString());
        }
    }

    [Fact]
    public void Text_is_encoded_in_the_data_set_character_set_even_when_it_comes_first()
    {
        // (0008,0005) after the text in the JSON, and an item inheriting it.
        const string json = """
            {
              "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Müller^Jürgen" } ] },
              "00081115": { "vr": "SQ", "Value": [ { "00081090": { "vr": "LO", "Value": [ "Größe" ] } } ] },
              "00080005": { "vr": "CS", "Value": [ "ISO_IR 100" ] }
            }
            """;

        var dataset = DicomJsonReader.Read(json);

        Assert.Equal(Encoding.Latin1.GetBytes("Müller^Jürgen "), ((DicomElement)dataset[DicomTags.PatientName]!).Value.GetMemory().ToArray());
        var item = dataset.GetSequence(DicomTags.ReferencedSeriesSequence)!.Items[0];
        Assert.Equal(Encoding.Latin1.GetBytes("Größe "), ((DicomElement)item[new DicomTag(0x0008, 0x1090)]!).Value.GetMemory().ToArray());
    }

    [Fact]
    public void Stream_buffer_writer_and_string_outputs_are_the_same_json()
    {
        using var file = DicomFile.Open(ReferenceJson.PathOf("rtplan.dcm"));
        var options = new DicomJsonWriterOptions { Indented = true };

        var text = DicomJsonWriter.Write(file.Dataset, options);
        using var stream = new MemoryStream();
        DicomJsonWriter.Write(file.Dataset, stream, options);
        var buffer = new ArrayBufferWriter<byte>();
        DicomJsonWriter.Write(file.Dataset, buffer, options);

        Assert.Equal(text, Encoding.UTF8.GetString(stream.ToArray()));
        Assert.Equal(text, Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Contains("\n  \"300A0002\": {", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_data_sets_are_one_array_that_reads_back()
    {
        using var a = DicomFile.Open(ReferenceJson.PathOf("CT_small.dcm"));
        using var b = DicomFile.Open(ReferenceJson.PathOf("MR_small.dcm"));
        using var stream = new MemoryStream();

        DicomJsonWriter.WriteAll([a.Dataset, b.Dataset], stream);
        stream.Position = 0;
        var read = DicomJsonReader.ReadAll(stream);

        Assert.Equal(2, read.Count);
        Assert.Equal(DicomJsonWriter.Write(a.Dataset), DicomJsonWriter.Write(read[0]));
        Assert.Equal(DicomJsonWriter.Write(b.Dataset), DicomJsonWriter.Write(read[1]));
    }

    [Fact]
    public void File_meta_is_left_out_unless_asked_for()
    {
        var dataset = new DicomDataset()
            .SetString(DicomTags.TransferSyntaxUID, "1.2.840.10008.1.2.1")
            .SetString(DicomTags.PatientID, "ID");

        using var excluded = JsonDocument.Parse(DicomJsonWriter.Write(dataset));
        using var included = JsonDocument.Parse(DicomJsonWriter.Write(dataset, new DicomJsonWriterOptions { ExcludeFileMetaInformation = false }));

        Assert.False(excluded.RootElement.TryGetProperty("00020010", out _));
        Assert.Equal("1.2.840.10008.1.2.1", included.RootElement.GetProperty("00020010").GetProperty("Value")[0].GetString());
    }

    [Fact]
    public void Long_values_become_bulk_data_uris_from_the_callers_function()
    {
        var item = new DicomDataset().SetValues(new DicomTag(0x0009, 0x1001), DicomVR.OB, new byte[2000]);
        var dataset = new DicomDataset()
            .SetString(new DicomTag(0x0009, 0x0010), "TELERAD", DicomVR.LO)
            .SetValues(new DicomTag(0x0028, 0x3006), DicomVR.US, new ushort[1000])
            .SetValues(new DicomTag(0x0009, 0x1002), DicomVR.OB, new byte[10])
            .SetSequence(DicomTags.ReferencedSeriesSequence, item);
        var requests = new List<DicomBulkDataRequest>();
        var options = new DicomJsonWriterOptions
        {
            BulkDataThreshold = 1024,
            BulkDataUri = request =>
            {
                requests.Add(request);
                return request.Tag == new DicomTag(0x0028, 0x3006) ? null : "https://pacs/bulk/" + request.PathString;
            },
        };

        using var document = JsonDocument.Parse(DicomJsonWriter.Write(dataset, options));
        var root = document.RootElement;

        Assert.Equal(2, requests.Count);
        Assert.Equal(2000, requests.Single(r => r.Tag.Element == 0x1001).Length);
        Assert.Equal(
            "https://pacs/bulk/(0008,1115)[0]/(0009,1001)",
            root.GetProperty("00081115").GetProperty("Value")[0].GetProperty("00091001").GetProperty("BulkDataURI").GetString());
        Assert.Equal(1000, root.GetProperty("00283006").GetProperty("Value").GetArrayLength()); // the function said inline
        Assert.True(root.GetProperty("00091002").TryGetProperty("InlineBinary", out _)); // below the threshold
        Assert.Equal([new DicomPathStep(DicomTags.ReferencedSeriesSequence, 0), new DicomPathStep(new DicomTag(0x0009, 0x1001))], requests.Single(r => r.Tag.Element == 0x1001).Path);
    }

    [Fact]
    public void Encapsulated_pixel_data_is_offered_as_bulk_data_with_its_item_length()
    {
        using var file = DicomFile.Open(ReferenceJson.PathOf("JPEG2000.dcm"));
        var fragments = (DicomFragmentSequence)file.Dataset[DicomTags.PixelData]!;
        DicomBulkDataRequest? asked = null;
        var options = new DicomJsonWriterOptions
        {
            BulkDataThreshold = 100,
            BulkDataUri = r =>
            {
                asked = r;
                return r.Tag == DicomTags.PixelData ? "frames" : null;
            },
        };

        using var document = JsonDocument.Parse(DicomJsonWriter.Write(file.Dataset, options));

        Assert.Equal("frames", document.RootElement.GetProperty("7FE00010").GetProperty("BulkDataURI").GetString());
        Assert.Equal(8 + fragments.OffsetTable.Length + fragments.Fragments.Sum(f => 8 + f.Length), asked!.Length);
        Assert.Same(fragments, asked.Item);
    }

    /// <summary>
    /// A 10 MB lazy value is streamed as base64: the bytes allocated while writing stay far below the
    /// value's size (buffering it, or its 13.3 MB of base64, would allocate at least that much).
    /// </summary>
    [Fact]
    public void Ten_megabyte_lazy_value_is_written_without_buffering_it()
    {
        const int size = 10 * 1024 * 1024;
        var scratch = TestData.NewScratchDirectory("json-large");
        try
        {
            var path = Path.Combine(scratch, "large.dcm");
            var payload = new byte[size];
            new Random(1234).NextBytes(payload);
            File.WriteAllBytes(path, Part10WithOneOB(payload));
            using var file = DicomFile.Open(path);
            var element = (DicomElement)file.Dataset[new DicomTag(0x0009, 0x1001)]!;
            Assert.False(element.Value.IsBuffered);
            using (var warmUp = new CountingStream())
            {
                DicomJsonWriter.Write(file.Dataset, warmUp); // JIT and static tables, not part of the measure
            }

            using var counter = new CountingStream();
            var before = GC.GetAllocatedBytesForCurrentThread();
            DicomJsonWriter.Write(file.Dataset, counter);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            output.WriteLine($"{counter.Count} bytes of JSON for a {size}-byte lazy value; {allocated} bytes allocated while writing");
            Assert.True(counter.Count > size * 4 / 3, $"only {counter.Count} bytes written");
            Assert.True(allocated < 1024 * 1024, $"{allocated} bytes allocated while writing a {size}-byte value");
            using var json = new MemoryStream();
            DicomJsonWriter.Write(file.Dataset, json);
            using var document = JsonDocument.Parse(json.ToArray());
            Assert.True(payload.AsSpan().SequenceEqual(document.RootElement.GetProperty("00091001").GetProperty("InlineBinary").GetBytesFromBase64()));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static DicomDataset EveryVR()
    {
        var dataset = new DicomDataset()
            .Set(new DicomElement(new DicomTag(0x0008, 0x0000), DicomVR.UL, BitConverter.GetBytes(10u)))
            .SetString(DicomTags.SpecificCharacterSet, "ISO_IR 192")
            .SetStrings(new DicomTag(0x0008, 0x0008), ["A", string.Empty, "B"])
            .SetString(new DicomTag(0x0008, 0x0020), "20240229")
            .SetString(new DicomTag(0x0008, 0x0030), "101112.123")
            .SetString(new DicomTag(0x0008, 0x002A), "20240229101112.5+0100")
            .SetString(new DicomTag(0x0008, 0x0054), "TELERAD_AE")
            .SetString(new DicomTag(0x0008, 0x0080), "Hospital \\ not split")
            .SetString(new DicomTag(0x0008, 0x0081), "Line 1\r\nLine 2\\x", DicomVR.ST)
            .SetString(new DicomTag(0x0008, 0x0104), "Meaning", DicomVR.LO)
            .SetString(new DicomTag(0x0008, 0x0120), "http://example.org/a b", DicomVR.UR)
            .SetString(new DicomTag(0x0009, 0x0010), "TELERAD TEST", DicomVR.LO)
            .Set(new DicomElement(new DicomTag(0x0009, 0x1001), DicomVR.OB, new byte[] { 1, 2, 3 }))
            .SetValues(new DicomTag(0x0009, 0x1002), DicomVR.OD, [1.5, -2.25])
            .SetValues(new DicomTag(0x0009, 0x1003), DicomVR.OF, [1.5f])
            .SetValues(new DicomTag(0x0009, 0x1004), DicomVR.OL, [7u, 8u])
            .SetValues(new DicomTag(0x0009, 0x1005), DicomVR.OV, [ulong.MaxValue])
            .SetValues(new DicomTag(0x0009, 0x1006), DicomVR.OW, new ushort[] { 0x1234, 0xFFFF })
            .SetValues(new DicomTag(0x0009, 0x1007), DicomVR.UN, new byte[] { 9, 8, 7, 6 })
            .SetString(new DicomTag(0x0009, 0x1008), "UC value\\second", DicomVR.UC)
            .SetString(new DicomTag(0x0009, 0x1009), "Unlimited\\text", DicomVR.UT)
            .SetString(new DicomTag(0x0009, 0x100A), "Long text", DicomVR.LT)
            .SetString(new DicomTag(0x0009, 0x100B), "SH", DicomVR.SH)
            .Set(new DicomElement(new DicomTag(0x0010, 0x0030), DicomVR.DA, DicomValue.Empty))
            .Set(new DicomElement(new DicomTag(0x0010, 0x0040), DicomVR.CS, Encoding.ASCII.GetBytes("  ")))
            .SetString(new DicomTag(0x0010, 0x1010), "042Y")
            .SetStrings(new DicomTag(0x0010, 0x1001), ["Yamada^Tarou=山田^太郎=やまだ^たろう", string.Empty, "=Ideo"])
            .SetStrings(new DicomTag(0x0018, 0x1050), ["+005.50", " 1e3", ".5", "abc", "-0.0"])
            .SetValues(new DicomTag(0x0018, 0x9087), DicomVR.FD, [1.5, double.NaN, double.PositiveInfinity])
            .SetValues(new DicomTag(0x0018, 0x9089), DicomVR.FD, [double.NegativeInfinity, 0.1])
            .SetValues(new DicomTag(0x0020, 0x9165), DicomVR.AT, new ushort[] { 0x0010, 0x0010, 0x7FE0, 0x0010 })
            .SetStrings(new DicomTag(0x0020, 0x1208), ["0012", "-0", string.Empty, "-7"])
            .SetValues(new DicomTag(0x0028, 0x0010), DicomVR.US, new ushort[] { 512 })
            .SetValues(new DicomTag(0x0028, 0x0106), DicomVR.SS, new short[] { -32768, 32767 })
            .SetValues(new DicomTag(0x0028, 0x0008), DicomVR.IS, Encoding.ASCII.GetBytes("1 "))
            .SetValues(new DicomTag(0x0018, 0x6020), DicomVR.SL, [int.MinValue])
            .SetValues(new DicomTag(0x0008, 0x1161), DicomVR.UL, [uint.MaxValue])
            .SetValues(new DicomTag(0x0066, 0x0020), DicomVR.SV, [long.MaxValue, -5, DicomJsonNumbersMax])
            .SetValues(new DicomTag(0x0066, 0x0021), DicomVR.UV, [ulong.MaxValue, 7UL])
            .SetString(DicomTags.SOPInstanceUID, "1.2.3.4.5")
            .SetSequence(new DicomTag(0x0008, 0x1140))
            .SetSequence(
                DicomTags.ReferencedSeriesSequence,
                new DicomDataset().SetString(DicomTags.SeriesInstanceUID, "1.2.3").SetSequence(new DicomTag(0x0008, 0x1199), new DicomDataset().SetString(new DicomTag(0x0008, 0x1150), "1.2")),
                new DicomDataset());
        // FL with a non-finite value, through the FL path as well.
        dataset.SetValues(new DicomTag(0x0018, 0x9087), DicomVR.FL, [1.5f, float.NaN, float.PositiveInfinity]);
        return dataset;
    }

    private const long DicomJsonNumbersMax = 9007199254740991;

    private static string Raw(JsonElement root, string tag) => Compact(root.GetProperty(tag).GetProperty("Value").GetRawText());

    private static string Raw(JsonElement array, int index) => Compact(array[index].GetRawText());

    private static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            document.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A Part 10 file by hand (explicit VR little endian): a private block with one long OB value.</summary>
    private static byte[] Part10WithOneOB(byte[] payload)
    {
        using var output = new MemoryStream();
        using var writer = new BinaryWriter(output);
        writer.Write(new byte[128]);
        writer.Write("DICM"u8);
        var syntax = "1.2.840.10008.1.2.1\0"u8;
        writer.Write((ushort)0x0002);
        writer.Write((ushort)0x0010);
        writer.Write("UI"u8);
        writer.Write((ushort)syntax.Length);
        writer.Write(syntax);
        writer.Write((ushort)0x0009);
        writer.Write((ushort)0x0010);
        writer.Write("LO"u8);
        writer.Write((ushort)8);
        writer.Write("TELERAD "u8);
        writer.Write((ushort)0x0009);
        writer.Write((ushort)0x1001);
        writer.Write("OB"u8);
        writer.Write((ushort)0);
        writer.Write((uint)payload.Length);
        writer.Write(payload);
        writer.Flush();
        return output.ToArray();
    }

    /// <summary>Counts what is written and keeps nothing.</summary>
    private sealed class CountingStream : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Count;

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Count += count;

        public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;
    }

    [Fact]
    public void Numbers_in_ds_keep_every_digit()
    {
        var dataset = new DicomDataset().SetStrings(new DicomTag(0x0020, 0x0032), ["-129.99500000001", "0012.5", "1.", "-.5e-3"]);

        using var document = JsonDocument.Parse(DicomJsonWriter.Write(dataset));
        var values = document.RootElement.GetProperty("00200032").GetProperty("Value").EnumerateArray().Select(v => v.GetRawText()).ToList();

        Assert.Equal(["-129.99500000001", "12.5", "1", "-0.5e-3"], values);
        Assert.Equal(
            ["-129.99500000001", "12.5", "1", "-0.5e-3"],
            DicomJsonReader.Read(DicomJsonWriter.Write(dataset)).GetStrings(new DicomTag(0x0020, 0x0032)));
        Assert.All(values, v => decimal.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture));
    }
}
