using System.CommandLine;
using Telerad.Dicom;

namespace Telerad.Cli;

/// <summary>`telerad dump FILE [--json] [--full]`: a dcmdump-like listing or the PS3.18 JSON model.</summary>
internal static class DumpCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A DICOM file (Part 10 or a bare data set)." };
        var json = new Option<bool>("--json") { Description = "Print the data set (without file meta) in the DICOM JSON model (PS3.18 Annex F)." };
        var full = new Option<bool>("--full") { Description = "Print long values completely instead of cutting them." };
        var command = new Command("dump", "List the elements of a DICOM file.") { file, json, full };
        command.SetAction(result =>
        {
            var path = result.GetValue(file)!;
            try
            {
                using var dicom = DicomFile.Open(path.FullName);
                if (result.GetValue(json))
                {
                    // Streamed straight to stdout: a large pixel value is never held in memory as text.
                    Console.Out.Flush();
                    using var stdout = Console.OpenStandardOutput();
                    DicomJsonWriter.Write(dicom.Dataset, stdout, new DicomJsonWriterOptions { Indented = true });
                    stdout.Write("\n"u8);
                }
                else
                {
                    Console.Out.Write(DicomDumper.Dump(dicom, result.GetValue(full)));
                }

                return 0;
            }
            catch (DicomFormatException ex)
            {
                Console.Error.WriteLine($"telerad dump: {path.Name}: {ex.Message}");
                return 2;
            }
            catch (IOException ex)
            {
                Console.Error.WriteLine($"telerad dump: {path.Name}: {ex.Message}");
                return 2;
            }
        });
        return command;
    }
}
