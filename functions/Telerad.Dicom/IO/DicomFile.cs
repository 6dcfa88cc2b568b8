using System.IO.Compression;

namespace Telerad.Dicom;

/// <summary>
/// A DICOM Part 10 file (PS3.10 7.1): preamble, "DICM", File Meta Information, data set. Also reads
/// bare data sets without meta, detecting their encoding. Large values stay in the source until used,
/// so keep the file open (undisposed) while its values are needed.
/// </summary>
public sealed class DicomFile : IDisposable
{
    private readonly List<IDisposable> _resources = [];

    public DicomFile(DicomDataset dataset, DicomDataset? fileMetaInformation = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Dataset = dataset;
        FileMetaInformation = fileMetaInformation ?? new DicomDataset();
        TransferSyntax = FileMetaInformation.GetUid(DicomTags.TransferSyntaxUID) is { } uid
            ? DicomTransferSyntax.FromUid(uid)
            : DicomTransferSyntax.ExplicitVRLittleEndian;
    }

    /// <summary>The 128-byte preamble as read, or null when the input had none.</summary>
    public ReadOnlyMemory<byte>? Preamble { get; private set; }

    public DicomDataset FileMetaInformation { get; }

    public DicomDataset Dataset { get; }

    /// <summary>The syntax the data set was read in (from the meta, or detected).</summary>
    public DicomTransferSyntax TransferSyntax { get; private set; }

    /// <summary>True when the input had no File Meta Information (a bare data set).</summary>
    public bool HadNoFileMeta { get; private set; }

    public IReadOnlyList<DicomReadWarning> Warnings { get; private set; } = [];

    /// <summary>True when reading stopped in front of top-level pixel data (see <see cref="DicomReaderOptions.StopBeforePixelData"/>).</summary>
    public bool StoppedBeforePixelData { get; private set; }

    /// <summary>
    /// A sequence or item declared more bytes than the input holds and was read to the end of the input
    /// (dcmtk does the same). The data set is complete only if the writer simply got the length wrong;
    /// ingestion treats such files as possibly truncated.
    /// </summary>
    public bool LengthsOverranInput { get; private set; }

    /// <summary>
    /// When reading stopped before pixel data: whether the pixel data element fits in the input (false means
    /// the file is truncated); null when not checked (forward-only input, or reading did not stop there).
    /// </summary>
    public bool? PixelDataComplete { get; private set; }

    /// <summary>Byte offset of the top-level pixel data element header when reading stopped there.</summary>
    public long? PixelDataOffset { get; private set; }

    public static DicomFile Open(string path, DicomReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var source = new FileInputSource(path);
        try
        {
            return Read(source, options ?? DicomReaderOptions.Default);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Reads from a stream. Seekable streams must stay open while lazy values are used; forward-only ones spill large values to a temp file.</summary>
    public static DicomFile Read(Stream stream, DicomReaderOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var source = new StreamInputSource(stream, leaveOpen);
        try
        {
            return Read(source, options ?? DicomReaderOptions.Default);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    public static DicomFile Read(ReadOnlyMemory<byte> bytes, DicomReaderOptions? options = null) =>
        Read(new ReadOnlyMemoryStream(bytes), options);

    private static DicomFile Read(InputSource source, DicomReaderOptions options)
    {
        var warnings = new List<DicomReadWarning>();
        var input = new DicomInput(source);
        var meta = new DicomDataset();
        var file = new DicomFile(new DicomDataset(), meta);
        file._resources.Add(source);
        SpillFile? spill = null;
        SpillFile Spill()
        {
            if (spill is null)
            {
                spill = new SpillFile();
                file._resources.Add(spill);
            }

            return spill;
        }

        try
        {
            if (input.Ensure(132) && input.Peek(132)[128..].SequenceEqual("DICM"u8))
            {
                file.Preamble = input.Peek(128).ToArray();
                input.Advance(132);
                ReadFileMeta(input, meta, options, warnings, Spill);
            }
            else if (input.Ensure(4) && input.Peek(4).SequenceEqual("DICM"u8))
            {
                warnings.Add(new DicomReadWarning(0, string.Empty, "No 128-byte preamble before DICM"));
                input.Advance(4);
                ReadFileMeta(input, meta, options, warnings, Spill);
            }
            else if (LooksLikeFileMetaGroup(input))
            {
                warnings.Add(new DicomReadWarning(0, string.Empty, "File Meta Information without preamble and DICM prefix"));
                ReadFileMeta(input, meta, options, warnings, Spill);
            }
            else
            {
                file.HadNoFileMeta = true;
            }

            var (syntax, encoding) = ChooseTransferSyntax(input, meta, options, warnings, file.HadNoFileMeta);
            file.TransferSyntax = syntax;
            if (syntax.IsDeflated)
            {
                var rest = new ConcatenatedStream(input.TakeBuffered(), source, input.Position);
                var inflated = new DeflateStream(rest, CompressionMode.Decompress);
                var inflatedSource = new StreamInputSource(inflated, leaveOpen: false);
                file._resources.Add(inflatedSource);
                input.Dispose();
                input = new DicomInput(inflatedSource);
            }

            var reader = new DicomReader(input, new DicomDatasetBuilder(file.Dataset), options, warnings, Spill);
            try
            {
                reader.ReadTopLevel(encoding.Explicit, encoding.BigEndian);
            }
            catch (InvalidDataException ex)
            {
                throw new DicomFormatException("The deflated data set is not a valid deflate stream", input.Position, string.Empty, ex);
            }

            file.StoppedBeforePixelData = reader.StoppedBeforePixelData;
            file.LengthsOverranInput = reader.LengthsOverranInput;
            file.PixelDataOffset = reader.StoppedBeforePixelData ? input.Position : null;
            file.PixelDataComplete = reader.StoppedBeforePixelData ? reader.PixelDataFitsInput(encoding.Explicit, encoding.BigEndian) : null;
            file.Warnings = warnings;
            input.Dispose();
            return file;
        }
        catch
        {
            input.Dispose();
            file._resources.Remove(source); // the caller disposes the source it created
            file.Dispose();
            throw;
        }
    }

    private static bool LooksLikeFileMetaGroup(DicomInput input) =>
        input.Ensure(8) && input.Peek(2).SequenceEqual((ReadOnlySpan<byte>)[0x02, 0x00])
        && DicomVRInfo.FromBytes(input.Peek(6)[4], input.Peek(6)[5]) != DicomVR.None;

    /// <summary>Group 0002 is always Explicit VR Little Endian (PS3.10 7.1); read while the group is 0002.</summary>
    private static void ReadFileMeta(DicomInput input, DicomDataset meta, DicomReaderOptions options, List<DicomReadWarning> warnings, Func<SpillFile> spill)
    {
        var explicitVR = !input.Ensure(6) || DicomVRInfo.FromBytes(input.Peek(6)[4], input.Peek(6)[5]) != DicomVR.None;
        if (!explicitVR)
        {
            warnings.Add(new DicomReadWarning(input.Position, string.Empty, "File Meta Information is implicit VR (it must be explicit)"));
        }

        var reader = new DicomReader(input, new DicomDatasetBuilder(meta), options with { StopBeforePixelData = false }, warnings, spill);
        reader.ReadTopLevel(explicitVR, bigEndian: false, stopBefore: tag => tag.Group != 0x0002);
    }

    /// <summary>
    /// The transfer syntax to report and the encoding to parse the data set with. They differ only for
    /// files whose meta declares one encoding while the data set is written in another (seen in the wild);
    /// then the bytes decide how to parse, and an encapsulated declaration still says what the pixels are.
    /// </summary>
    private static (DicomTransferSyntax Syntax, (bool Explicit, bool BigEndian) Encoding) ChooseTransferSyntax(
        DicomInput input, DicomDataset meta, DicomReaderOptions options, List<DicomReadWarning> warnings, bool noMeta)
    {
        if (!noMeta && meta.GetUid(DicomTags.TransferSyntaxUID) is { Length: > 0 } uid)
        {
            var declared = DicomTransferSyntax.FromUid(uid);
            if (declared.IsDeflated || HeaderFits(input, declared.IsExplicitVR, declared.IsBigEndian) || DetectEncoding(input) is not { } d)
            {
                return (declared, (declared.IsExplicitVR, declared.IsBigEndian));
            }

            warnings.Add(new DicomReadWarning(input.Position, string.Empty,
                $"Transfer syntax {declared.Uid} does not match the data set encoding; read as {(d.Explicit ? "explicit" : "implicit")} VR {(d.BigEndian ? "big" : "little")} endian"));
            return (declared.IsEncapsulated ? declared : Syntax(d.Explicit, d.BigEndian), d);
        }

        if (noMeta && options.BareDatasetTransferSyntax is { } given)
        {
            return (given, (given.IsExplicitVR, given.IsBigEndian));
        }

        if (!noMeta)
        {
            warnings.Add(new DicomReadWarning(input.Position, string.Empty, "File Meta Information has no Transfer Syntax UID; encoding detected from the data set"));
        }

        var guess = DetectEncoding(input);
        if (guess is null)
        {
            if (input.AtEnd)
            {
                return (DicomTransferSyntax.ExplicitVRLittleEndian, (true, false));
            }

            throw new DicomFormatException("Not DICOM: no DICM prefix and the bytes do not look like a data set", input.Position, string.Empty);
        }

        return (Syntax(guess.Value.Explicit, guess.Value.BigEndian), guess.Value);
    }

    private static DicomTransferSyntax Syntax(bool explicitVR, bool bigEndian) =>
        bigEndian ? DicomTransferSyntax.ExplicitVRBigEndian
        : explicitVR ? DicomTransferSyntax.ExplicitVRLittleEndian
        : DicomTransferSyntax.ImplicitVRLittleEndian;

    /// <summary>
    /// Guesses the encoding from the first element header: little endian unless only the big-endian
    /// reading gives a small group number, explicit VR when bytes 4-5 are a VR. Null if nothing fits.
    /// </summary>
    internal static (bool Explicit, bool BigEndian)? DetectEncoding(DicomInput input)
    {
        if (!input.Ensure(8))
        {
            return null;
        }

        var h = input.Peek(8);
        var groupLittle = (ushort)(h[0] | (h[1] << 8));
        var groupBig = (ushort)((h[0] << 8) | h[1]);
        var bigEndian = groupLittle > 0x00FF && groupBig <= 0x00FF;
        var explicitVR = DicomVRInfo.FromBytes(h[4], h[5]) != DicomVR.None;
        if (HeaderFits(input, explicitVR, bigEndian))
        {
            return (explicitVR, bigEndian);
        }

        return HeaderFits(input, !explicitVR, bigEndian) ? (!explicitVR, bigEndian) : null;
    }

    /// <summary>Whether the first element header makes sense under the given encoding.</summary>
    private static bool HeaderFits(DicomInput input, bool explicitVR, bool bigEndian)
    {
        if (!input.Ensure(8))
        {
            return true; // nothing (or almost nothing) to read: any encoding will do
        }

        var h = input.Peek(8);
        var group = bigEndian ? (ushort)((h[0] << 8) | h[1]) : (ushort)(h[0] | (h[1] << 8));
        if (group is 0x0000 or 0xFFFF || group == 0xFFFE)
        {
            return false;
        }

        if (explicitVR)
        {
            return DicomVRInfo.FromBytes(h[4], h[5]) != DicomVR.None;
        }

        if (bigEndian)
        {
            return false; // there is no implicit VR big endian syntax
        }

        var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(h[4..]);
        return length == DicomReader.UndefinedLength || input.Remaining is not { } remaining || length <= remaining - 8;
    }

    /// <summary>Writes the data set as a Part 10 file in <paramref name="syntax"/> (default: the syntax it was read in).</summary>
    public void Save(string path, DicomTransferSyntax? syntax = null, DicomWriteOptions? options = null) =>
        DicomWriter.WriteFile(path, Dataset, syntax ?? TransferSyntax, options, FileMetaInformation);

    public void Save(Stream stream, DicomTransferSyntax? syntax = null, DicomWriteOptions? options = null) =>
        DicomWriter.WriteFile(stream, Dataset, syntax ?? TransferSyntax, options, FileMetaInformation);

    public void Dispose()
    {
        foreach (var resource in _resources)
        {
            resource.Dispose();
        }

        _resources.Clear();
    }
}
