namespace Telerad.Deidentification;

/// <summary>
/// De-identifies a file or a folder tree into an output folder: one output per accepted input, named by its
/// new SOP Instance UID, written atomically; inputs are only read. Every input ends in the report as
/// de-identified, quarantined (with the reason) or failed (with the error) — none is skipped silently.
/// </summary>
public sealed class FolderDeidentifier(Deidentifier deidentifier, IReidentificationStore? reidentificationStore = null)
{
    /// <summary>Output files start unnamed where the system allows (see <see cref="PendingOutputFile"/>); tests switch it off to cover the other path.</summary>
    internal bool UseUnnamedFiles { get; init; } = true;

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
        var run = new Run(output);
        var done = 0;
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, (i, _) =>
            {
                entries[i] = ProcessOne(i, files[i], Path.GetRelativePath(Directory.Exists(input) ? input : Path.GetDirectoryName(input)!, files[i]), run);
                progress?.Report((Interlocked.Increment(ref done), files.Count));
                return ValueTask.CompletedTask;
            });
        }
        catch
        {
            run.DiscardDuplicates(); // cancelled or failed: no temporary file stays behind
            throw;
        }

        run.ResolveDuplicates(entries);
        if (reidentificationStore is not null)
        {
            foreach (var entry in run.Studies.OrderBy(e => e.DeidentifiedStudyInstanceUid, StringComparer.Ordinal))
            {
                await reidentificationStore.SaveAsync(entry, cancellationToken);
            }
        }

        return new DeidentificationReport { Profile = deidentifier.Profile.Name, Tenant = tenantId, PseudonymKeyId = pseudonymKeyId, Files = entries };
    }

    /// <summary>
    /// The report entry of one input; null for an input whose output name an earlier-finished input already has:
    /// its entry is decided after all inputs (<see cref="Run.ResolveDuplicates"/>).
    /// </summary>
    private DeidentificationReportEntry ProcessOne(int index, string path, string relative, Run run)
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

            // Written unnamed (or as a ".partial-*" file) and named only when complete; discarded on any failure.
            using var pending = PendingOutputFile.Create(Path.Combine(run.Output, name), UseUnnamedFiles);
            DicomWriter.WriteFile(pending.Stream, result.Dataset!, syntax);
            run.AddStudy(index, result.StudyInstanceUid!, result.Reidentification!);
            var entry = new DeidentificationReportEntry { Input = relative, Outcome = DeidentificationReportEntry.Deidentified, Output = name, Actions = result.ActionCounts };
            return run.Claim(index, name, entry, pending) ? entry : null!;
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
    /// What the inputs of one run share: which output names are taken, the studies seen. Decisions do not depend on
    /// which thread finishes first: the first input in sorted order wins a name, and its study entry is the one kept.
    /// </summary>
    private sealed class Run(string output)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, Claimant> _names = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (int Index, ReidentificationEntry Entry)> _studies = new(StringComparer.Ordinal);

        public string Output { get; } = output;

        public IEnumerable<ReidentificationEntry> Studies => _studies.Values.Select(s => s.Entry);

        public void AddStudy(int index, string studyUid, ReidentificationEntry entry)
        {
            lock (_gate)
            {
                if (!_studies.TryGetValue(studyUid, out var known) || index < known.Index)
                {
                    _studies[studyUid] = (index, entry);
                }
            }
        }

        /// <summary>
        /// Publishes the output if its name is new (true). An input whose de-identified SOP Instance UID another input
        /// already has is kept aside under a temporary name and decided after all inputs (false).
        /// </summary>
        public bool Claim(int index, string name, DeidentificationReportEntry entry, PendingOutputFile pending)
        {
            lock (_gate)
            {
                if (!_names.TryGetValue(name, out var first))
                {
                    pending.Publish();
                    _names[name] = new Claimant(index, entry, Path.Combine(Output, name));
                    return true;
                }

                first.Duplicates.Add(new Claimant(index, entry, pending.KeepAsTemporaryFile()));
                return false;
            }
        }

        public void DiscardDuplicates()
        {
            foreach (var duplicate in _names.Values.SelectMany(c => c.Duplicates))
            {
                File.Delete(duplicate.Path);
            }
        }

        /// <summary>
        /// For each name several inputs produced: the first input in sorted order keeps it; each other input is
        /// reported as identical to it (one file) or as a conflict (its output is not written), and its file goes.
        /// </summary>
        public void ResolveDuplicates(DeidentificationReportEntry[] entries)
        {
            foreach (var (name, published) in _names)
            {
                if (published.Duplicates.Count == 0)
                {
                    continue;
                }

                var target = Path.Combine(Output, name);
                var all = published.Duplicates.Append(published).OrderBy(c => c.Index).ToList();
                var winner = all[0];
                foreach (var other in all.Skip(1))
                {
                    entries[other.Index] = FilesEqual(other.Path, winner.Path)
                        ? other.Entry with { Message = $"Identical to the output of {winner.Entry.Input}." }
                        : Failed(other.Entry.Input, $"Another input ({winner.Entry.Input}) has the same SOP Instance UID but different content; not overwritten.");
                }

                entries[winner.Index] = winner.Entry;
                if (winner.Path != target)
                {
                    File.Move(winner.Path, target, overwrite: true);
                }

                foreach (var other in all.Skip(1).Where(c => c.Path != target))
                {
                    File.Delete(other.Path);
                }
            }
        }
    }

    /// <summary>An input that produced an output name, and where its file is (the target, or a temporary name).</summary>
    private sealed class Claimant(int index, DeidentificationReportEntry entry, string path)
    {
        public int Index { get; } = index;

        public DeidentificationReportEntry Entry { get; } = entry;

        public string Path { get; } = path;

        /// <summary>Later-finishing inputs with the same output name (only on the first claimant).</summary>
        public List<Claimant> Duplicates { get; } = [];
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
