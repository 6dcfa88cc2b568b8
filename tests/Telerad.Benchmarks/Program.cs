using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Telerad.Dicom;

// Workloads timed by run.sh as whole processes, side by side with dcmtk, pydicom, cat.
// Each prints one line "bytes=N files=M" so the script can compute throughput.
return args.Length == 0 ? Usage() : args[0] switch
{
    "headers" => Headers(args[1..], dump: false),
    "headers-dump" => Headers(args[1..], dump: true),
    "stream" => Stream(args[1], args[2]),
    "decode" => Decode(args[1..]),
    "combine" => Combine(args[1], args[2..]),
    "make-multiframe" => MakeMultiframe(args[1], long.Parse(args[2], CultureInfo.InvariantCulture)),
    "triage" => await Telerad.Benchmarks.TriageBenchmark.RunAsync(args[1..]),
    "reading" => await Telerad.Benchmarks.Reading.ReadingBenchmark.RunAsync(args[1..]),
    "reading-local" => await Telerad.Benchmarks.Reading.ReadingLocalBenchmark.RunAsync(args[1..]),
    "fhir" => await Telerad.Benchmarks.FhirDeliveryBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Telerad.Benchmarks headers|headers-dump FILE... | stream IN OUT | make-multiframe OUT MEGABYTES | triage MODELS [SLICES] [RUNS] | reading [STUDIES] [--engine test-host|dtfx] [--sidecar-logs] | reading-local [STUDIES] [RATE] | fhir [REPORTS] [CONCURRENCY]");
    return 2;
}

// Header parse, stopping before pixel data (what ingestion does for every uploaded object).
static int Headers(string[] files, bool dump)
{
    var options = new DicomReaderOptions { StopBeforePixelData = true };
    long elements = 0;
    var sink = TextWriter.Null;
    foreach (var path in files)
    {
        using var file = DicomFile.Open(path, options);
        elements += file.Dataset.Count;
        if (dump)
        {
            sink.Write(DicomDumper.Dump(file));
        }
    }

    Console.WriteLine($"files={files.Length} elements={elements}");
    return 0;
}

// Full read with every frame decoded to a typed buffer (what triage does before preprocessing).
// Files are decoded in parallel, one per core, as the triage service decodes a series.
static int Decode(string[] files)
{
    long decoded = 0, read = 0;
    Parallel.ForEach(files, path =>
    {
        using var file = DicomFile.Open(path);
        var pixels = DicomPixelData.Create(file);
        long bytes = 0;
        if (pixels.NumberOfFrames > 1)
        {
            // One multi-frame instance: its frames in parallel.
            Parallel.For(0, pixels.NumberOfFrames, frame => Interlocked.Add(ref decoded, pixels.DecodeFrame(frame).Data.Length));
        }
        else
        {
            bytes = pixels.DecodeFrame(0).Data.Length;
        }

        Interlocked.Add(ref decoded, bytes);
        Interlocked.Add(ref read, new FileInfo(path).Length);
    });

    Console.WriteLine($"files={files.Length} bytesRead={read} bytesDecoded={decoded}");
    return 0;
}

// Joins single-frame instances of one syntax into one multi-frame instance (one fragment per frame, with a
// Basic Offset Table), so a tool's per-process start-up does not decide a decode comparison.
static int Combine(string output, string[] inputs)
{
    var files = inputs.Select(p => DicomFile.Open(p)).ToList();
    var first = files[0];
    var ds = first.Dataset.Clone();
    ds.SetString(DicomTags.NumberOfFrames, files.Count.ToString(CultureInfo.InvariantCulture));
    ds.SetString(DicomTags.SOPInstanceUID, "2.25.555000111");
    if (first.TransferSyntax.IsEncapsulated)
    {
        var frames = files.Select(f => (DicomValue)new DicomBufferValue(DicomPixelData.Create(f).GetFrameBytes(0).ToArray())).ToList();
        var offsets = new List<uint>();
        uint position = 0;
        foreach (var frame in frames)
        {
            offsets.Add(position);
            position += (uint)(8 + frame.Length + (frame.Length & 1));
        }

        var table = new byte[offsets.Count * 4];
        for (var i = 0; i < offsets.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(i * 4), offsets[i]);
        }

        ds.Set(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, new DicomBufferValue(table), frames));
    }
    else
    {
        var all = files.SelectMany(f => DicomPixelData.Create(f).GetFrameBytes(0).ToArray()).ToArray();
        ds.Set(new DicomElement(DicomTags.PixelData, DicomVR.OW, all));
    }

    DicomWriter.WriteFile(output, ds, first.TransferSyntax);
    files.ForEach(f => f.Dispose());
    Console.WriteLine($"frames={inputs.Length} bytes={new FileInfo(output).Length}");
    return 0;
}

// Read → change one header element → write, streaming the pixel data (bounded memory).
static int Stream(string input, string output)
{
    var watch = Stopwatch.StartNew();
    using (var file = DicomFile.Open(input))
    {
        file.Dataset.SetString(DicomTags.SeriesDescription, "streamed by Telerad");
        file.Save(output);
    }

    var bytes = new FileInfo(input).Length;
    Console.WriteLine($"bytes={bytes} seconds={watch.Elapsed.TotalSeconds:F3} MBps={bytes / 1e6 / watch.Elapsed.TotalSeconds:F0} peakWorkingSetMB={Process.GetCurrentProcess().PeakWorkingSet64 >> 20}");
    return 0;
}

// A multi-frame 16-bit instance of about the given size, written frame by frame (never whole in memory).
static int MakeMultiframe(string output, long megabytes)
{
    const int rows = 512, columns = 512;
    var frameBytes = rows * columns * 2;
    var frames = (int)Math.Max(1, (megabytes << 20) / frameBytes);
    var raw = output + ".pixels";
    using (var stream = File.Create(raw))
    {
        var frame = new byte[frameBytes];
        for (var f = 0; f < frames; f++)
        {
            for (var i = 0; i < frame.Length; i += 2)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(i), (ushort)((f * 7) + (i >> 1)));
            }

            stream.Write(frame);
        }
    }

    var ds = new DicomDataset();
    ds.SetString(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7.3");
    ds.SetString(DicomTags.SOPInstanceUID, "2.25.987654321");
    ds.SetString(DicomTags.StudyInstanceUID, "2.25.987654322");
    ds.SetString(DicomTags.SeriesInstanceUID, "2.25.987654323");
    ds.SetString(DicomTags.Modality, "OT");
    ds.SetString(DicomTags.NumberOfFrames, frames.ToString(CultureInfo.InvariantCulture));
    ds.SetIntegers(DicomTags.Rows, [rows]);
    ds.SetIntegers(DicomTags.Columns, [columns]);
    ds.SetIntegers(DicomTags.SamplesPerPixel, [1]);
    ds.SetString(DicomTags.PhotometricInterpretation, "MONOCHROME2");
    ds.SetIntegers(DicomTags.BitsAllocated, [16]);
    ds.SetIntegers(DicomTags.BitsStored, [16]);
    ds.SetIntegers(DicomTags.HighBit, [15]);
    ds.SetIntegers(DicomTags.PixelRepresentation, [0]);
    using (var pixels = DicomFile.Read(new RawBytes(raw), new DicomReaderOptions { BareDatasetTransferSyntax = DicomTransferSyntax.ImplicitVRLittleEndian }))
    {
        // RawBytes presents the pixel file as one implicit VR element so the library can stream it as a lazy value.
        pixels.Dataset.TryGetElement(DicomTags.PixelData, out var element);
        ds.Set(element);
        DicomWriter.WriteFile(output, ds, DicomTransferSyntax.ExplicitVRLittleEndian);
    }

    File.Delete(raw);
    Console.WriteLine($"frames={frames} bytes={new FileInfo(output).Length}");
    return 0;
}

/// <summary>A raw pixel file seen as an implicit VR data set holding one (7FE0,0010) OW element.</summary>
internal sealed class RawBytes : Stream
{
    private readonly FileStream _file;
    private readonly byte[] _header = new byte[8];
    private long _position;

    public RawBytes(string path)
    {
        _file = File.OpenRead(path);
        BinaryPrimitives.WriteUInt16LittleEndian(_header, 0x7FE0);
        BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(2), 0x0010);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(4), checked((uint)_file.Length));
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _file.Length + 8;

    public override long Position
    {
        get => _position;
        set => _position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length && _position < 8)
        {
            buffer[written++] = _header[_position++];
        }

        if (written == buffer.Length)
        {
            return written;
        }

        _file.Position = _position - 8;
        var read = _file.Read(buffer[written..]);
        _position += read;
        return written + read;
    }

    public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => Length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }
}
