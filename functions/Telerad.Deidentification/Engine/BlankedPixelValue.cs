namespace Telerad.Deidentification;

/// <summary>
/// Native pixel data with rectangles blanked, produced frame by frame as it is read: the source value is
/// never held whole, so a long ultrasound cine loop is blanked in bounded memory while it is written.
/// Supports 8- and 16-bit samples, one or three samples per pixel, planar configuration 0 or 1.
/// Blank is the darkest displayed value: 0, or the maximum stored value for MONOCHROME1; for YBR the
/// chroma samples are set to their midpoint so the region is black, not green.
/// </summary>
internal sealed class BlankedPixelValue : DicomValue
{
    private readonly DicomValue _source;
    private readonly Layout _layout;
    private readonly IReadOnlyList<BlankRegion> _regions;

    private BlankedPixelValue(DicomValue source, Layout layout, IReadOnlyList<BlankRegion> regions)
    {
        _source = source;
        _layout = layout;
        _regions = regions;
    }

    public override long Length => _source.Length;

    public override bool IsBuffered => false;

    /// <summary>Wraps the data set's native Pixel Data, or returns a reason why it cannot be blanked.</summary>
    public static (BlankedPixelValue? Value, string? Problem) Create(DicomDataset dataset, IReadOnlyList<BlankRegion> regions)
    {
        if (dataset[DicomTags.PixelData] is not DicomElement pixels)
        {
            return (null, "the pixel data is compressed (encapsulated); blanking needs native pixel data");
        }

        var bits = dataset.GetInt32(DicomTags.BitsAllocated) ?? 0;
        var samples = dataset.GetInt32(DicomTags.SamplesPerPixel) ?? 1;
        var rows = dataset.GetInt32(DicomTags.Rows) ?? 0;
        var columns = dataset.GetInt32(DicomTags.Columns) ?? 0;
        var planar = dataset.GetInt32(DicomTags.PlanarConfiguration) ?? 0;
        var frames = dataset.GetInt32(DicomTags.NumberOfFrames) ?? 1;
        var photometric = dataset.GetString(DicomTags.PhotometricInterpretation)?.Trim().ToUpperInvariant() ?? string.Empty;
        if (bits is not (8 or 16) || samples is not (1 or 3) || rows <= 0 || columns <= 0 || frames <= 0)
        {
            return (null, $"blanking supports 8 or 16 bits and 1 or 3 samples; this image has {bits} bits, {samples} samples");
        }

        var layout = new Layout(rows, columns, samples, bits / 8, planar, frames, photometric, dataset.GetInt32(DicomTags.BitsStored) ?? bits);
        if (pixels.Value.Length < layout.FrameLength * frames)
        {
            return (null, "the pixel data is shorter than its frames");
        }

        return (new BlankedPixelValue(pixels.Value, layout, regions), null);
    }

    public override ReadOnlyMemory<byte> GetMemory(long maxBytes = int.MaxValue)
    {
        if (Length > maxBytes)
        {
            throw new InvalidOperationException($"The value is {Length} bytes, more than the {maxBytes} allowed in memory; stream it with OpenRead().");
        }

        using var stream = OpenRead();
        var bytes = new byte[Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    public override Stream OpenRead() => new BlankingStream(this);

    private void Blank(Span<byte> frame)
    {
        var l = _layout;
        for (var sample = 0; sample < l.Samples; sample++)
        {
            var value = BlankValue(sample);
            foreach (var r in _regions)
            {
                for (var y = r.Y; y < r.Y + r.Height; y++)
                {
                    for (var x = r.X; x < r.X + r.Width; x++)
                    {
                        var index = l.Planar == 1
                            ? (sample * l.Rows * l.Columns) + (y * l.Columns) + x
                            : (((y * l.Columns) + x) * l.Samples) + sample;
                        if (l.BytesPerSample == 1)
                        {
                            frame[index] = (byte)value;
                        }
                        else
                        {
                            frame[index * 2] = (byte)value;
                            frame[(index * 2) + 1] = (byte)(value >> 8);
                        }
                    }
                }
            }
        }
    }

    private int BlankValue(int sample)
    {
        var max = (1 << _layout.BitsStored) - 1;
        if (_layout.Photometric == "MONOCHROME1")
        {
            return max;
        }

        return _layout.Photometric.StartsWith("YBR", StringComparison.Ordinal) && sample > 0 ? (max + 1) / 2 : 0;
    }

    private sealed record Layout(int Rows, int Columns, int Samples, int BytesPerSample, int Planar, int Frames, string Photometric, int BitsStored)
    {
        public int FrameLength => Rows * Columns * Samples * BytesPerSample;
    }

    /// <summary>Reads the source frame by frame, blanks each frame, then serves it; bytes after the last frame pass through.</summary>
    private sealed class BlankingStream(BlankedPixelValue owner) : Stream
    {
        private readonly Stream _source = owner._source.OpenRead();
        private readonly byte[] _frame = new byte[owner._layout.FrameLength];
        private int _frameFill;
        private int _framePosition;
        private int _framesRead;
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => owner.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_framePosition == _frameFill)
            {
                if (_framesRead < owner._layout.Frames)
                {
                    _source.ReadExactly(_frame);
                    owner.Blank(_frame);
                    _framesRead++;
                    _frameFill = _frame.Length;
                }
                else
                {
                    _frameFill = _source.Read(_frame); // trailing padding byte(s), unchanged
                    if (_frameFill <= 0)
                    {
                        return 0;
                    }
                }

                _framePosition = 0;
            }

            var count = Math.Min(buffer.Length, _frameFill - _framePosition);
            _frame.AsSpan(_framePosition, count).CopyTo(buffer);
            _framePosition += count;
            _position += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _source.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
