using System.Runtime.InteropServices;

namespace Telerad.Dicom;

/// <summary>
/// The part of OpenJPEG 2.x's C API (openjpeg.h, soname libopenjp2.so.7) that decoding from memory needs.
/// Struct layouts follow openjpeg.h of 2.5 for x64/arm64 (LP64); the ABI is stable across 2.x.
/// </summary>
internal static unsafe partial class OpenJpegNative
{
    public const string LibraryName = "libopenjp2.so.7";

    /// <summary>OPJ_CODEC_FORMAT: a raw codestream (ISO/IEC 15444-1 Annex A).</summary>
    public const int CodecJ2k = 0;

    /// <summary>OPJ_CODEC_FORMAT: the JP2 file format (ISO/IEC 15444-1 Annex I), boxes around the codestream.</summary>
    public const int CodecJp2 = 2;

    /// <summary>opj_dparameters_t.flags: do not apply a JP2 palette/channel definition; DICOM's attributes describe the samples.</summary>
    public const uint IgnorePclrCmapCdef = 0x0001;

    public const int True = 1;

    /// <summary>opj_stream_read_fn/opj_stream_skip_fn return value meaning "nothing more" or "failed".</summary>
    public const long StreamFailure = -1;

    public static readonly NativeCodecLibrary Status = NativeCodecLibrary.Probe(
        LibraryName,
        "libopenjp2-7",
        [
            "opj_version", "opj_create_decompress", "opj_destroy_codec", "opj_set_default_decoder_parameters",
            "opj_setup_decoder", "opj_decoder_set_strict_mode", "opj_set_info_handler", "opj_set_warning_handler",
            "opj_set_error_handler", "opj_stream_create", "opj_stream_destroy", "opj_stream_set_read_function",
            "opj_stream_set_skip_function", "opj_stream_set_seek_function", "opj_stream_set_user_data",
            "opj_stream_set_user_data_length", "opj_read_header", "opj_decode", "opj_end_decompress", "opj_image_destroy",
        ]);

    /// <summary>The library's version, e.g. "2.5.0" (only call when <see cref="Status"/> is available).</summary>
    public static string VersionText => Marshal.PtrToStringUTF8((nint)Version()) ?? string.Empty;

    [LibraryImport(LibraryName, EntryPoint = "opj_version")]
    public static partial byte* Version();

    [LibraryImport(LibraryName, EntryPoint = "opj_create_decompress")]
    public static partial nint CreateDecompress(int format);

    [LibraryImport(LibraryName, EntryPoint = "opj_destroy_codec")]
    public static partial void DestroyCodec(nint codec);

    [LibraryImport(LibraryName, EntryPoint = "opj_set_default_decoder_parameters")]
    public static partial void SetDefaultDecoderParameters(DecompressParameters* parameters);

    [LibraryImport(LibraryName, EntryPoint = "opj_setup_decoder")]
    public static partial int SetupDecoder(nint codec, DecompressParameters* parameters);

    [LibraryImport(LibraryName, EntryPoint = "opj_decoder_set_strict_mode")]
    public static partial int SetStrictMode(nint codec, int strict);

    [LibraryImport(LibraryName, EntryPoint = "opj_set_info_handler")]
    public static partial int SetInfoHandler(nint codec, delegate* unmanaged<byte*, void*, void> handler, void* clientData);

    [LibraryImport(LibraryName, EntryPoint = "opj_set_warning_handler")]
    public static partial int SetWarningHandler(nint codec, delegate* unmanaged<byte*, void*, void> handler, void* clientData);

    [LibraryImport(LibraryName, EntryPoint = "opj_set_error_handler")]
    public static partial int SetErrorHandler(nint codec, delegate* unmanaged<byte*, void*, void> handler, void* clientData);

    /// <summary>opj_stream_create(buffer size, is input).</summary>
    [LibraryImport(LibraryName, EntryPoint = "opj_stream_create")]
    public static partial nint StreamCreate(nuint bufferSize, int isInput);

    [LibraryImport(LibraryName, EntryPoint = "opj_stream_destroy")]
    public static partial void StreamDestroy(nint stream);

    /// <summary>Read callback: (destination, byte count, user data) → bytes read, or (size_t)-1 at the end.</summary>
    [LibraryImport(LibraryName, EntryPoint = "opj_stream_set_read_function")]
    public static partial void StreamSetReadFunction(nint stream, delegate* unmanaged<void*, nuint, void*, nuint> read);

    /// <summary>Skip callback: (byte count, user data) → bytes skipped, or -1.</summary>
    [LibraryImport(LibraryName, EntryPoint = "opj_stream_set_skip_function")]
    public static partial void StreamSetSkipFunction(nint stream, delegate* unmanaged<long, void*, long> skip);

    /// <summary>Seek callback: (absolute position, user data) → OPJ_TRUE on success.</summary>
    [LibraryImport(LibraryName, EntryPoint = "opj_stream_set_seek_function")]
    public static partial void StreamSetSeekFunction(nint stream, delegate* unmanaged<long, void*, int> seek);

    [LibraryImport(LibraryName, EntryPoint = "opj_stream_set_user_data")]
    public static partial void StreamSetUserData(nint stream, void* userData, delegate* unmanaged<void*, void> free);

    [LibraryImport(LibraryName, EntryPoint = "opj_stream_set_user_data_length")]
    public static partial void StreamSetUserDataLength(nint stream, ulong length);

    [LibraryImport(LibraryName, EntryPoint = "opj_read_header")]
    public static partial int ReadHeader(nint stream, nint codec, Image** image);

    [LibraryImport(LibraryName, EntryPoint = "opj_decode")]
    public static partial int Decode(nint codec, nint stream, Image* image);

    [LibraryImport(LibraryName, EntryPoint = "opj_end_decompress")]
    public static partial int EndDecompress(nint codec, nint stream);

    [LibraryImport(LibraryName, EntryPoint = "opj_image_destroy")]
    public static partial void ImageDestroy(Image* image);

    /// <summary>opj_image_t (48 bytes on LP64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Image
    {
        public uint X0;
        public uint Y0;
        public uint X1;
        public uint Y1;
        public uint ComponentCount;
        public int ColorSpace;
        public ImageComponent* Components;
        public byte* IccProfile;
        public uint IccProfileLength;
    }

    /// <summary>opj_image_comp_t (64 bytes on LP64): one component's geometry, precision, sign and decoded samples.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ImageComponent
    {
        public uint Dx;
        public uint Dy;
        public uint Width;
        public uint Height;
        public uint X0;
        public uint Y0;
        public uint Precision;
        public uint DeprecatedBpp;
        public uint Signed;
        public uint ResolutionsDecoded;
        public uint Factor;
        public int* Data;
        public ushort Alpha;
    }

    /// <summary>opj_dparameters_t (8252 bytes): mostly command-line fields the library ignores.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct DecompressParameters
    {
        public uint Reduce;
        public uint Layer;
        public fixed byte InFile[4096];
        public fixed byte OutFile[4096];
        public int DecodeFormat;
        public int CodeFormat;
        public uint DecodeAreaX0;
        public uint DecodeAreaX1;
        public uint DecodeAreaY0;
        public uint DecodeAreaY1;
        public int Verbose;
        public uint TileIndex;
        public uint TilesToDecode;
        public int JpwlCorrect;
        public int JpwlExpectedComponents;
        public int JpwlMaxTiles;
        public uint Flags;
    }
}
