using System.Globalization;

namespace Telerad.Dicom.Tests.Pixels;

/// <summary>pydicom's pixel_array (via /usr/bin/python3 and numpy) as an independent native decoder.</summary>
internal static class Pydicom
{
    private const string Script = """
        import sys, numpy as np, pydicom
        path, frame, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        ds = pydicom.dcmread(path, force=True)
        arr = ds.pixel_array
        frames = int(ds.get('NumberOfFrames', 1) or 1)
        if frames > 1:
            arr = arr[frame]
        arr = np.ascontiguousarray(arr)
        arr.astype(arr.dtype.newbyteorder('<')).tofile(out)
        print(arr.dtype.kind, arr.dtype.itemsize, ds.Rows, ds.Columns, int(ds.get('SamplesPerPixel', 1)), ds.PhotometricInterpretation)
        """;

    /// <summary>pydicom's samples of one frame, as a frame of the type pydicom chose.</summary>
    public static PixelFrame PixelArray(string path, int frame)
    {
        var output = Path.GetTempFileName();
        try
        {
            var result = ExternalTool.Run("/usr/bin/python3", ["-c", Script, path, frame.ToString(CultureInfo.InvariantCulture), output]);
            Assert.True(result.ExitCode == 0, "pydicom failed: " + result.StandardError);
            var fields = result.StandardOutput.Trim().Split(' ');
            var type = (fields[0], fields[1]) switch
            {
                ("u", "1") => PixelSampleType.UInt8,
                ("i", "1") => PixelSampleType.Int8,
                ("u", "2") => PixelSampleType.UInt16,
                ("i", "2") => PixelSampleType.Int16,
                ("u", "4") => PixelSampleType.UInt32,
                ("i", "4") => PixelSampleType.Int32,
                ("f", "4") => PixelSampleType.Float32,
                ("f", "8") => PixelSampleType.Float64,
                _ => throw new InvalidOperationException("pydicom returned an unexpected dtype " + result.StandardOutput),
            };
            var rows = int.Parse(fields[2], CultureInfo.InvariantCulture);
            var columns = int.Parse(fields[3], CultureInfo.InvariantCulture);
            var samples = int.Parse(fields[4], CultureInfo.InvariantCulture);
            return new PixelFrame(rows, columns, samples, type, 0, fields[5], File.ReadAllBytes(output));
        }
        finally
        {
            File.Delete(output);
        }
    }
}
