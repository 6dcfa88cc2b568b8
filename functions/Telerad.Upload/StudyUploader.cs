using System.Diagnostics;
using System.Security.Cryptography;
using Telerad.Storage;

namespace Telerad.Upload;

/// <summary>
/// Uploads a file or folder tree to <c>incoming/{tenant}/{upload-id}/</c> as docs/storage.md describes:
/// files in parallel (bounded), each with its SHA-256 in the object's <c>sha256</c> metadata; a file whose object
/// already has the same length and SHA-256 is skipped, so running again with the same upload id after an
/// interruption continues where it stopped (and uploads files that changed). DICOM headers (and the DICOM entries of
/// zip archives) are read to count each study's distinct SOP instances. When every file is stored, and only then,
/// <c>manifest.json</c> is written, last. A file that fails does not stop the others.
/// Store-agnostic: Azure Blob Storage and Azurite through Telerad.Azure's BlobObjectStore.
/// </summary>
public sealed class StudyUploader
{
    public const string Sha256MetadataKey = "sha256";

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    private readonly IObjectStore _store;
    private readonly TimeProvider _time;

    public StudyUploader(IObjectStore store, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <exception cref="ArgumentException">Bad tenant or upload id, or no files under the path.</exception>
    /// <exception cref="FileNotFoundException">No file or folder at the path.</exception>
    public async Task<UploadReceipt> UploadAsync(UploadRequest request, IProgress<UploadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        UploadIds.RequireTenant(request.Tenant);
        var uploadId = request.UploadId ?? UploadIds.NewUploadId(_time.GetUtcNow());
        UploadIds.RequireUploadId(uploadId);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Parallelism, 1, nameof(request));

        var prefix = UploadManifest.PrefixOf(request.Tenant, uploadId);
        var files = LocalFiles.Find(request.Path);
        if (files.Count == 0)
        {
            // An empty upload would announce nothing with a manifest; most likely the wrong folder.
            throw new ArgumentException("There are no files to upload under the path.");
        }

        var run = new Run(files.Count, files.Sum(f => f.Length), progress);
        var existing = await ExistingObjectsAsync(prefix, run, cancellationToken);
        var outcomes = new FileOutcome[files.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, files.Count),
            new ParallelOptions { MaxDegreeOfParallelism = request.Parallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var counter = new FileCounter(run, files[i].Length);
                outcomes[i] = await UploadFileAsync(files[i], prefix, existing, counter, token);
                counter.Complete();
            });
        run.Report(force: true);

        var failures = outcomes.Where(o => o.Failure is not null).Select(o => new UploadFailure(o.File.Name, o.Failure!)).ToList();
        var studies = outcomes
            .SelectMany(o => o.Instances)
            .GroupBy(i => i.StudyInstanceUid, StringComparer.Ordinal)
            .Select(g => new UploadManifestStudy(g.Key, g.Select(i => i.SopInstanceUid).Distinct(StringComparer.Ordinal).Count()))
            .OrderBy(s => s.StudyInstanceUid, StringComparer.Ordinal)
            .ToList();
        var expected = studies.Sum(s => s.Instances);

        var manifestOutcome = ManifestOutcome.NotWritten;
        if (failures.Count == 0)
        {
            var manifest = new UploadManifest
            {
                Tenant = request.Tenant,
                UploadId = uploadId,
                CreatedAt = _time.GetUtcNow(),
                Objects = [.. outcomes.Select(o => new UploadManifestObject(o.File.Name, o.Sha256!, o.File.Length, o.Kind!)).OrderBy(o => o.Name, StringComparer.Ordinal)],
                ExpectedInstances = expected,
                Studies = studies,
            };
            try
            {
                manifestOutcome = await WriteManifestAsync(new ObjectRef(Containers.Incoming, prefix + UploadManifest.FileName), manifest, run, cancellationToken);
            }
            catch (Exception e) when (IsStoreFailure(e, cancellationToken))
            {
                failures.Add(new UploadFailure(UploadManifest.FileName, e.Message));
            }
        }

        return new UploadReceipt
        {
            Tenant = request.Tenant,
            UploadId = uploadId,
            Location = $"{Containers.Incoming}/{prefix}",
            FilesUploaded = outcomes.Count(o => o.Uploaded),
            FilesSkipped = outcomes.Count(o => o.Skipped),
            Failures = failures,
            BytesUploaded = outcomes.Where(o => o.Uploaded).Sum(o => o.File.Length),
            BytesSkipped = outcomes.Where(o => o.Skipped).Sum(o => o.File.Length),
            Studies = studies,
            ExpectedInstances = expected,
            Manifest = manifestOutcome,
            WriteOnly = run.WriteOnly,
        };
    }

    /// <summary>
    /// What the upload id already holds, listed once (one request per 5,000 objects) instead of a properties request per
    /// file: resuming compares each file with it. Empty when the credential may not list (the run is then write-only).
    /// </summary>
    private async Task<Dictionary<string, ObjectProperties>> ExistingObjectsAsync(string prefix, Run run, CancellationToken cancellationToken)
    {
        var existing = new Dictionary<string, ObjectProperties>(StringComparer.Ordinal);
        try
        {
            await foreach (var item in _store.ListAsync(Containers.Incoming, prefix, cancellationToken))
            {
                existing[item.Reference.Name] = item;
            }
        }
        catch (ObjectStoreException e) when (e.IsForbidden)
        {
            run.WriteOnly = true;
            existing.Clear();
        }

        return existing;
    }

    private async Task<FileOutcome> UploadFileAsync(LocalFile file, string prefix, Dictionary<string, ObjectProperties> existingObjects, FileCounter counter, CancellationToken cancellationToken)
    {
        if (file.NameProblem is { } problem)
        {
            return FileOutcome.Failed(file, problem);
        }

        try
        {
            var before = FileStamp.Of(file.FullPath);
            var content = UploadContent.Inspect(file.FullPath);
            var sha256 = await HashAsync(file.FullPath, cancellationToken);
            var reference = new ObjectRef(Containers.Incoming, prefix + file.Name);

            if (existingObjects.TryGetValue(reference.Name, out var existing))
            {
                if (existing.Length == before.Length
                    && existing.Metadata.TryGetValue(Sha256MetadataKey, out var stored)
                    && string.Equals(stored, sha256, StringComparison.OrdinalIgnoreCase))
                {
                    return FileOutcome.Done(file, content, sha256, uploaded: false);
                }
            }

            await using (var stream = new ProgressReadStream(OpenRead(file.FullPath), counter.Add))
            {
                await _store.WriteAsync(
                    reference,
                    stream,
                    new ObjectWriteOptions
                    {
                        ContentType = ContentTypeOf(content.Kind),
                        Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [Sha256MetadataKey] = sha256 },
                    },
                    cancellationToken);
            }

            if (FileStamp.Of(file.FullPath) != before)
            {
                // The object may hold a mix of old and new bytes under the old hash: fail, so a new run uploads it again
                // (its hash will differ from the stored one).
                return FileOutcome.Failed(file, "The file changed while it was being uploaded; run again with the same upload id.");
            }

            return FileOutcome.Done(file, content, sha256, uploaded: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException || IsStoreFailure(e, cancellationToken))
        {
            // Store exceptions carry no object names; IO messages name the local file, which is the user's own.
            return FileOutcome.Failed(file, e.Message);
        }
    }

    private async Task<ManifestOutcome> WriteManifestAsync(ObjectRef reference, UploadManifest manifest, Run run, CancellationToken cancellationToken)
    {
        if (!run.WriteOnly && await PropertiesOrForbiddenAsync(reference, run, cancellationToken) is not null)
        {
            UploadManifest? earlier = null;
            try
            {
                await using var stream = await _store.OpenReadAsync(reference, cancellationToken);
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, cancellationToken);
                earlier = UploadManifestJson.Parse(buffer.ToArray());
            }
            catch (InvalidDataException)
            {
                // Not a manifest we can read: replace it.
            }

            if (earlier is not null && earlier.Tenant == manifest.Tenant && earlier.UploadId == manifest.UploadId
                && earlier.Objects.SequenceEqual(manifest.Objects) && earlier.Studies.SequenceEqual(manifest.Studies))
            {
                // Same upload, same content: rewriting would only announce it again.
                return ManifestOutcome.Unchanged;
            }
        }

        var json = UploadManifestJson.Serialize(manifest);
        using var content = new MemoryStream(json, writable: false);
        await _store.WriteAsync(
            reference,
            content,
            new ObjectWriteOptions
            {
                ContentType = "application/json",
                Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [Sha256MetadataKey] = Convert.ToHexStringLower(SHA256.HashData(json)) },
            },
            cancellationToken);
        return ManifestOutcome.Written;
    }

    /// <summary>Properties, or null when the object does not exist or the credential may not read (then the run is write-only).</summary>
    private async Task<ObjectProperties?> PropertiesOrForbiddenAsync(ObjectRef reference, Run run, CancellationToken cancellationToken)
    {
        try
        {
            return await _store.GetPropertiesAsync(reference, cancellationToken);
        }
        catch (ObjectStoreException e) when (e.IsForbidden)
        {
            run.WriteOnly = true;
            return null;
        }
    }

    /// <summary>A failure of one store request (after the client's own retries), including a timeout that was not our cancellation.</summary>
    private static bool IsStoreFailure(Exception e, CancellationToken cancellationToken) =>
        e is ObjectStoreException or ObjectAlreadyExistsException or ObjectNotFoundException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static FileStream OpenRead(string path) =>
        new(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read, Options = FileOptions.Asynchronous | FileOptions.SequentialScan, BufferSize = 0 });

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private static string ContentTypeOf(string kind) => kind switch
    {
        UploadObjectKinds.Dicom => "application/dicom",
        UploadObjectKinds.Zip => "application/zip",
        _ => "application/octet-stream",
    };

    /// <summary>Length and last write time: if either moves during an upload, the file changed under it.</summary>
    private readonly record struct FileStamp(long Length, DateTime LastWriteUtc)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return new FileStamp(info.Length, info.LastWriteTimeUtc);
        }
    }

    private sealed record FileOutcome(LocalFile File, bool Uploaded, bool Skipped, string? Sha256, string? Kind, IReadOnlyList<FoundInstance> Instances, string? Failure)
    {
        public static FileOutcome Done(LocalFile file, InspectedContent content, string sha256, bool uploaded) =>
            new(file, uploaded, !uploaded, sha256, content.Kind, content.Instances, null);

        public static FileOutcome Failed(LocalFile file, string reason) => new(file, false, false, null, null, [], reason);
    }

    /// <summary>Counters of one run, shared by the parallel file uploads.</summary>
    private sealed class Run(int filesTotal, long bytesTotal, IProgress<UploadProgress>? progress)
    {
        private readonly Stopwatch _sinceReport = Stopwatch.StartNew();
        private int _filesDone;
        private long _bytesDone;
        private volatile bool _writeOnly;

        public bool WriteOnly
        {
            get => _writeOnly;
            set => _writeOnly = value;
        }

        public void AddBytes(long count)
        {
            Interlocked.Add(ref _bytesDone, count);
            Report(force: false);
        }

        public void FileDone(long remainingBytes)
        {
            Interlocked.Increment(ref _filesDone);
            Interlocked.Add(ref _bytesDone, remainingBytes);
            Report(force: true);
        }

        public void Report(bool force)
        {
            if (progress is null)
            {
                return;
            }

            lock (_sinceReport)
            {
                if (!force && _sinceReport.Elapsed < ProgressInterval)
                {
                    return;
                }

                _sinceReport.Restart();
            }

            progress.Report(new UploadProgress(Volatile.Read(ref _filesDone), filesTotal, Interlocked.Read(ref _bytesDone), bytesTotal));
        }
    }

    /// <summary>One file's share of the byte count: what was read so far (at most its length; retries may re-read), then the rest when done.</summary>
    private sealed class FileCounter(Run run, long length)
    {
        private long _counted;

        public void Add(int read)
        {
            var now = Math.Min(_counted + read, length);
            run.AddBytes(now - _counted);
            _counted = now;
        }

        public void Complete() => run.FileDone(length - _counted);
    }
}
