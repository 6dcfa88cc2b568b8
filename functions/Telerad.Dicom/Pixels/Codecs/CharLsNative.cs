using System.Runtime.InteropServices;

namespace Telerad.Dicom;

/// <summary>
/// The decoding part of CharLS 2.x's C API (charls_jpegls_decoder.h, soname libcharls.so.2). Every call
/// returns a charls_jpegls_errc: 0 is success.
/// </summary>
internal static unsafe partial class CharLsNative
{
    public const string LibraryName = "libcharls.so.2";

    public const int Success = 0;

    /// <summary>charls_interleave_mode (ISO/IEC 14495-1 ILV): components one after another.</summary>
    public const int InterleaveNone = 0;

    public const int InterleaveLine = 1;

    public const int InterleaveSample = 2;

    public static readonly NativeCodecLibrary Status = NativeCodecLibrary.Probe(
        LibraryName,
        "libcharls2",
        [
            "charls_jpegls_decoder_create", "charls_jpegls_decoder_destroy", "charls_jpegls_decoder_set_source_buffer",
            "charls_jpegls_decoder_read_header", "charls_jpegls_decoder_get_frame_info", "charls_jpegls_decoder_get_interleave_mode",
            "charls_jpegls_decoder_get_destination_size", "charls_jpegls_decoder_decode_to_buffer", "charls_get_error_message",
        ]);

    [LibraryImport(LibraryName, EntryPoint = "charls_jpegls_decoder_create")]
    public static partial nint DecoderCreate();

    [LibraryImport(LibraryName, EntryPoint = "charls_jpegls_decoder_destroy")]
    public static partial void DecoderDestroy(nint decoder);

    /// <summary>The buffer must stay valid (pinned) until decoding is done.</summary>
    [LibraryImport(LibraryName, EntryPoint = "charls_jpegls_decoder_set_source_buffer")]
    public static partial int SetSourceBuffer(nint decoder, void* source, nuint sourceSize);

    [LibraryImport(LibraryName, EntryPoint = "charls_jpegls_decoder_read_header")]
    public static partial int ReadHeader(nint decoder);

    [LibraryImport(LibraryName, EntryPoint = "charls_jpegls_decoder_get_frame_info")]
    public static partial int GetFrameInfo(nint decoder, FrameInfo* frameInfo);

    [LibraryImport(LibraryName, EntryPoint = "charls_jpegls_decoder_get_interleave_mode")]
    public static partial int GetInterleaveMode(nint decoder, int* interleaveMode);

    /// <summary>Bytes the decoded frame needs for the given stride (0: tightly packed rows).</summary>
    [LibraryImport(LibraryName, EntryPoint = "charls_jpegls_decoder_get_destination_size")]
    public static partial int GetDestinationSize(nint decoder, uint stride, nuint* destinationSize);

    [LibraryImport(LibraryName, EntryPoint = "charls_jpegls_decoder_decode_to_buffer")]
    public static partial int DecodeToBuffer(nint decoder, void* destination, nuint destinationSize, uint stride);

    /// <summary>A static English sentence for an error code (never null for known codes).</summary>
    [LibraryImport(LibraryName, EntryPoint = "charls_get_error_message")]
    public static partial byte* GetErrorMessage(int error);

    /// <summary>charls_frame_info.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct FrameInfo
    {
        public uint Width;
        public uint Height;
        public int BitsPerSample;
        public int ComponentCount;
    }
}
