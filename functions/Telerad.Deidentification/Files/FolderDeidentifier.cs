using System.Collections.Concurrent;

namespace Telerad.Deidentification;

/// <summary>
/// De-identifies a file or a folder tree into an output folder: one output per accepted input, named by its
/// new SOP Instance UID, written atomically; inputs are only read. Every input ends in the report as
/// de-identified, quarantined (with the reason) or failed (with the error) — none is skipped silently.
/// </summary>
public sealed class FolderDeidentifier(Deidentifier deidentifier, IReidentificationStore? reidentificationStore = null)
{
    public async Task<DeidentificationReport> RunAsync(
        string input,
        string outputDirectory,
        string tenantId,
        string pseudonymKeyId,
        IProgress<(int Done, int Total)>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        var files = File.Exists(input) ? [Path.GetFullPath(input)]
            : Directory.Exists(input) ? Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories).Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToList()
            : throw new FileNotFoundException($"No file or folder at {input}.");
        var output = Path.GetFullPath(outputDirectory);
        if (files.Any(f => f.StartsWith(output + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            throw new ArgumentException("The output folder must not be inside the input folder.");
        }

        Directory.CreateDirectory(output);
        var entries = new DeidentificationReportEntry[files.Count];
        var studies = new ConcurrentDictionary<string, ReidentificationEntry>(StringComparer.Ordinal);
        var claimed = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, (i, _) =>
        {
            entries[i] = ProcessOne(files[i], Path.GetRelativePath(Directory.Exists(input) ? input : Path.GetDirectoryName(input)!, files[i]), output, studies, claimed);
            progress?.Report((Interlocked.Increment(ref done), files.Count));
            return ValueTask.CompletedTask;
        });

        if (reidentificationStore is not null)
        {
            foreach (var entry in studies.Values.OrderBy(e => e.DeidentifiedStudyInstanceUid, StringComparer.Ordinal))
            {
                await reidentificationStore.SaveAsync(entry, cancellationToken);
            }
        }

        return new DeidentificationReport { Profile = deidentifier.Profile.Name, Tenant = tenantId, PseudonymKeyId = pseudonymKeyId, Files = entries };
    }

    private DeidentificationReportEntry ProcessOne(
        string path,
        string relative,
        string output,
        ConcurrentDictionary<string, ReidentificationEntry> studies,
        ConcurrentDictionary<string, string> claimed)
    {
        try
        {
            using var file = DicomFile.Open(path);
            var result = deidentifier.Deidentify(file.Dataset);
            if (result.Outcome == DeidentificationOutcome.Quarantined)
            {
                return new DeidentificationReportEntry
                {
                    Input = relative,
                    Outcome = DeidentificationReportEntry.QuarantinedOutcome,
                    QuarantineCode = result.Quarantine!.Code,
                    Message = result.Quarantine.Message,
                };
            }

            var name = result.SopInstanceUid + ".dcm";
            var syntax = file.TransferSyntax.IsEncapsulated ? file.TransferSyntax : DicomTransferSyntax.ExplicitVRLittleEndian;
            var target = Path.Combine(output, name);
            var temporary = target + ".partial-" + Guid.NewGuid().ToString("N");
            WriteNew(temporary, result.Dataset!, syntax);
            studies.TryAdd(result.StudyInstanceUid!, result.Reidentification!);
            lock (claimed)
            {
                if (claimed.TryAdd(name, relative))
                {
                    File.Move(temporary, target, overwrite: true);
                    return new DeidentificationReportEntry { Input = relative, Outcome = DeidentificationReportEntry.Deidentified, Output = name, Actions = result.ActionCounts };
                }

                // The same SOP instance arrived twice: identical output is one file; different output is a conflict to report.
                var identical = File.Exists(target) && FilesEqual(temporary, target);
                File.Delete(temporary);
                return identical
                    ? new DeidentificationReportEntry { Input = relative, Outcome = DeidentificationReportEntry.Deidentified, Output = name, Actions = result.ActionCounts, Message = $"Identical to the output of {claimed[name]}." }
                    : Failed(relative, $"Another input ({claimed[name]}) has the same SOP Instance UID but different content; not overwritten.");
            }
        }
        catch (DicomFormatException ex)
        {
            return Failed(relative, ex.Message);
        }
        catch (IOException ex)
        {
            return Failed(relative, ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            return Failed(relative, ex.Message);
        }
        catch (ArgumentException ex)
        {
            // e.g. text that cannot be encoded back in the instance's character set
            return Failed(relative, ex.Message);
        }
    }

    /// <summary>
    /// Writes the instance to a file that must not exist yet (its name is unique): CreateNew needs no truncation,
    /// and the stream is unbuffered because the writer buffers the header itself and copies pixel data from the
    /// input file inside the kernel where it can. A file left half-written by a failure is deleted.
    /// </summary>
    private static void WriteNew(string path, DicomDataset dataset, DicomTransferSyntax syntax)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            using (stream)
            {
                DicomWriter.WriteFile(stream, dataset, syntax);
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private static bool FilesEqual(string a, string b)
    {
        var left = new FileInfo(a);
        var right = new FileInfo(b);
        if (left.Length != right.Length)
        {
            return false;
        }

        using var x = left.OpenRead();
        using var y = right.OpenRead();
        var bx = new byte[1 << 16];
        var by = new byte[1 << 16];
        int read;
        while ((read = x.Read(bx)) > 0)
        {
            y.ReadExactly(by, 0, read);
            if (!bx.AsSpan(0, read).SequenceEqual(by.AsSpan(0, read)))
            {
                return false;
            }
        }

        return true;
    }

    private static DeidentificationReportEntry Failed(string input, string message) =>
        new() { Input = input, Outcome = DeidentificationReportEntry.FailedOutcome, Message = message };
}
