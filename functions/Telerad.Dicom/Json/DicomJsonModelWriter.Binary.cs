using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Telerad.Dicom;

/// <summary>Binary values: numbers as JSON numbers (F.2.3) and the rest as streamed base64 InlineBinary (F.2.7).</summary>
internal sealed partial class DicomJsonModelWriter
{
    private void WriteBinaryNumbers(DicomValue value, DicomVR vr)
    {
        if (value.IsBuffered)
        {
            WriteBinaryNumbers(value.GetMemory().Span, vr);
            return;
        }

        var buffer = _readBuffer ??= new byte[ChunkSize];
        using var stream = value.OpenRead();
        int read;
        while ((read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)) > 0)
        {
            WriteBinaryNumbers(buffer.AsSpan(0, read), vr);
            FlushIfFull();
        }
    }

    private void WriteBinaryNumbers(ReadOnlySpan<byte> bytes, DicomVR vr)
    {
        switch (vr)
        {
            case DicomVR.US:
                foreach (var v in MemoryMarshal.Cast<byte, ushort>(bytes))
                {
                    _json.WriteNumberValue(v);
                }

                break;
            case DicomVR.SS:
                foreach (var v in MemoryMarshal.Cast<byte, short>(bytes))
                {
                    _json.WriteNumberValue(v);
                }

                break;
            case DicomVR.UL:
                foreach (var v in MemoryMarshal.Cast<byte, uint>(bytes))
                {
                    _json.WriteNumberValue(v);
                }

                break;
            case DicomVR.SL:
                foreach (var v in MemoryMarshal.Cast<byte, int>(bytes))
                {
                    _json.WriteNumberValue(v);
                }

                break;
            case DicomVR.SV:
                foreach (var v in MemoryMarshal.Cast<byte, long>(bytes))
                {
                    // F.2.3: SV and UV may be strings, so consumers that read numbers as doubles lose nothing.
                    if (v is >= -DicomJsonNumbers.MaxSafeInteger and <= DicomJsonNumbers.MaxSafeInteger)
                    {
                        _json.WriteNumberValue(v);
                    }
                    else
                    {
                        _json.WriteStringValue(v.ToString(CultureInfo.InvariantCulture));
                    }
                }

                break;
            case DicomVR.UV:
                foreach (var v in MemoryMarshal.Cast<byte, ulong>(bytes))
                {
                    if (v <= DicomJsonNumbers.MaxSafeInteger)
                    {
                        _json.WriteNumberValue(v);
                    }
                    else
                    {
                        _json.WriteStringValue(v.ToString(CultureInfo.InvariantCulture));
                    }
                }

                break;
            case DicomVR.FL:
                foreach (var v in MemoryMarshal.Cast<byte, float>(bytes))
                {
                    WriteFloat(v);
                }

                break;
            case DicomVR.FD:
                foreach (var v in MemoryMarshal.Cast<byte, double>(bytes))
                {
                    WriteFloat(v);
                }

                break;
            case DicomVR.AT:
                Span<byte> hex = stackalloc byte[8];
                for (var i = 0; i + 4 <= bytes.Length; i += 4)
                {
                    var tag = ((uint)BinaryPrimitives.ReadUInt16LittleEndian(bytes[i..]) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i + 2)..]);
                    Utf8Formatter.TryFormat(tag, hex, out _, new StandardFormat('X', 8));
                    _json.WriteStringValue(hex); // F.2.3: AT as 8 uppercase hexadecimal digits
                }

                break;
        }
    }

    private void WriteFloat(float value)
    {
        if (float.IsFinite(value))
        {
            _json.WriteNumberValue(value);
        }
        else
        {
            WriteNonFinite(value);
        }
    }

    private void WriteFloat(double value)
    {
        if (double.IsFinite(value))
        {
            _json.WriteNumberValue(value);
        }
        else
        {
            WriteNonFinite(value);
        }
    }

    /// <summary>
    /// JSON has no NaN or infinity (RFC 8259 section 6) and F.2.3 says nothing about them: they are written
    /// as the strings "NaN", "Infinity", "-Infinity" (what JavaScript prints), which the reader takes back.
    /// </summary>
    private void WriteNonFinite(double value) =>
        _json.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");

    // ---- InlineBinary: bytes are gathered into whole base64 segments, so any value is encoded in bounded memory ----

    /// <summary>An item (FFFE,E000) with its 32-bit length, then its value: the encapsulated form of PS3.5 A.4.</summary>
    private void AppendBase64Item(DicomValue value)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], 0xE000);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)value.Length);
        AppendBase64(header);
        AppendBase64(value);
    }

    private void AppendBase64(DicomValue value)
    {
        if (value.IsBuffered)
        {
            AppendBase64(value.GetMemory().Span);
            return;
        }

        var buffer = _readBuffer ??= new byte[ChunkSize];
        using var stream = value.OpenRead();
        int read;
        while ((read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)) > 0)
        {
            AppendBase64(buffer.AsSpan(0, read));
        }
    }

    private void AppendBase64(ReadOnlySpan<byte> bytes)
    {
        var chunk = _chunk ??= new byte[ChunkSize];
        while (!bytes.IsEmpty)
        {
            var take = Math.Min(bytes.Length, chunk.Length - _chunkCount);
            bytes[..take].CopyTo(chunk.AsSpan(_chunkCount));
            _chunkCount += take;
            bytes = bytes[take..];
            if (_chunkCount == chunk.Length)
            {
                _json.WriteBase64StringSegment(chunk, isFinalSegment: false);
                _chunkCount = 0;
                FlushIfFull();
            }
        }
    }

    private void CompleteBase64()
    {
        _json.WriteBase64StringSegment(_chunk.AsSpan(0, _chunkCount), isFinalSegment: true);
        _chunkCount = 0;
        FlushIfFull();
    }
}
