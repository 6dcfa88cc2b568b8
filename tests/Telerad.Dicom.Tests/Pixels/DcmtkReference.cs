namespace Telerad.Dicom.Tests.Pixels;

/// <summary>dcmtk's decompression of a file to native Explicit VR Little Endian: the reference our codecs must equal.</summary>
internal static class DcmtkReference
{
    /// <summary>The dcmtk tool (and its arguments) that decompresses a syntax; null where another helper owns the codec (JPEG-LS, JPEG 2000).</summary>
    public static (string Tool, string[] Arguments)? ToolFor(DicomTransferSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        return syntax.Uid switch
        {
            "1.2.840.10008.1.2.2" => ("dcmconv", ["--write-xfer-little"]),
            "1.2.840.10008.1.2.1.99" => ("dcmconv", ["+te"]),
            "1.2.840.10008.1.2.5" => ("dcmdrle", []),
            "1.2.840.10008.1.2.4.50" or "1.2.840.10008.1.2.4.51" or "1.2.840.10008.1.2.4.52" or "1.2.840.10008.1.2.4.53" or "1.2.840.10008.1.2.4.54"
                or "1.2.840.10008.1.2.4.55" or "1.2.840.10008.1.2.4.56" or "1.2.840.10008.1.2.4.57" or "1.2.840.10008.1.2.4.70" => ("dcmdjpeg", []),
            _ => null,
        };
    }

    /// <summary>Runs the tool; returns the output path, or null with dcmtk's complaint when dcmtk cannot decompress the file.</summary>
    public static string? Decompress(string input, string scratch, out string complaint)
    {
        using var file = DicomFile.Open(input);
        var tool = ToolFor(file.TransferSyntax) ?? throw new InvalidOperationException($"No dcmtk tool for {file.TransferSyntax}");
        var output = Path.Combine(scratch, Path.GetFileNameWithoutExtension(input) + ".native.dcm");
        var result = ExternalTool.Run(ExternalTool.Require(tool.Tool), [.. tool.Arguments, input, output]);
        complaint = result.StandardError + result.StandardOutput;
        return result.ExitCode == 0 && File.Exists(output) ? output : null;
    }
}
