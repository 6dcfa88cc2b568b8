using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Telerad.Local;

/// <summary>
/// What Event Grid does in Azure: finds new objects in `incoming` and hands each to the same IngestInstance handler
/// and study signals as the Functions trigger. Every <see cref="LocalOptions.PollInterval"/> it lists the tenants'
/// upload folders, and in full only those that are new or still changing (<see cref="UploadFolders"/>: settled ones
/// are listed again once in a while); its cursor is the set of object versions (name and ETag) already handled, kept in memory and in the
/// <see cref="IngestionJournal"/> (read once at start). Objects extracted from archives are new objects in `incoming`
/// and are picked up the same way. An upload whose listing held its manifest (written last) and whose listed objects are
/// all handled is complete: its folder settles at once. A failing object is retried with a growing delay; logs carry
/// opaque ids only.
/// </summary>
public sealed partial class IncomingPoller(
    IObjectStore store,
    IngestInstanceHandler handler,
    ManifestHandler manifests,
    ITenantDirectory tenants,
    StudyAssemblyClient studies,
    SignalRecovery recovery,
    IngestionJournal journal,
    LocalOptions options,
    TimeProvider time,
    ILogger<IncomingPoller> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset NotBefore)> _failing = new(StringComparer.Ordinal);
    private HashSet<string> _handled = [];
    private readonly UploadFolders _folders = new(options.UploadSettleAfter, options.UploadRescanInterval);

    /// <summary>Objects handled before their studies are told (one event per study per chunk).</summary>
    internal const int ObjectsPerSignal = 64;

    /// <summary>When the last complete pass over `incoming` ended (for /health).</summary>
    public DateTimeOffset? LastPass { get; private set; }

    /// <summary>Object versions handled since start or found in the journal.</summary>
    public int Handled => Volatile.Read(ref _handled).Count;

    /// <summary>Upload folders listed in full at the last pass (the rest were settled).</summary>
    public int FoldersListedLastPass => _folders.ListedLastPass;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await journal.InitializeAsync(stoppingToken);
        _handled = await journal.LoadHandledAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PassAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogPassFailed(SafeErrors.Describe(ex));
            }

            try
            {
                await Task.Delay(options.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: list, then handle what is new (instances and archives before manifests).</summary>
    internal async Task PassAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var fresh = new List<(ObjectProperties Object, string Key)>();
        var pass = new Pass();
        _folders.BeginPass();
        await foreach (var (item, key) in ListAsync(now, pass, cancellationToken))
        {
            if (_handled.Contains(key) || (_failing.TryGetValue(key, out var failing) && failing.NotBefore > now))
            {
                continue;
            }

            fresh.Add((item, key));
        }

        if (fresh.Count == 0)
        {
            SettleCompleteUploads(pass);
            LastPass = time.GetUtcNow();
            return;
        }

        var outcomes = pass.Outcomes;
        var instances = fresh.Where(f => !IsManifest(f.Object)).ToList();
        var manifestObjects = fresh.Where(f => IsManifest(f.Object)).ToList();

        // Instances in chunks, each chunk's studies told before the next starts, so no signal waits for a whole large
        // pass; manifests last, after every instance of the pass was announced.
        foreach (var chunk in instances.Chunk(ObjectsPerSignal))
        {
            await HandleChunkAsync(chunk, pass, cancellationToken);
        }

        var probed = await ProbeManifestsAsync(instances, manifestObjects, cancellationToken);
        manifestObjects.AddRange(probed);
        if (manifestObjects.Count > 0)
        {
            await HandleChunkAsync([.. manifestObjects], pass, cancellationToken);
        }

        SettleCompleteUploads(pass);
        LastPass = time.GetUtcNow();
        if (logger.IsEnabled(LogLevel.Information))
        {
            var summary = string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Value} {o.Key}"));
            LogPass(fresh.Count + probed.Count, summary);
        }
    }

    /// <summary>
    /// Settles the upload folders this pass found complete: the listing held the folder's manifest, which the uploader
    /// writes after every other object (docs/storage.md), so nothing written before it was missed; every object listed is
    /// handled (none failing); and no archive was expanded in the folder in this pass (its entries are new objects there).
    /// A manifest found by the probe does not count: objects written between the listing and the manifest were not listed.
    /// </summary>
    private void SettleCompleteUploads(Pass pass)
    {
        var now = time.GetUtcNow();
        foreach (var (folder, listed) in pass.Listed)
        {
            if (listed.HasManifest && !pass.Expanded.ContainsKey(folder) && listed.Keys.TrueForAll(_handled.Contains))
            {
                _folders.Complete(folder, now);
            }
        }
    }

    /// <summary>Handles a chunk of objects in parallel, then tells their studies and journals them.</summary>
    private async Task HandleChunkAsync(IReadOnlyList<(ObjectProperties Object, string Key)> chunk, Pass pass, CancellationToken cancellationToken)
    {
        var outcomes = pass.Outcomes;
        var handled = new ConcurrentBag<HandledObject>();
        await Parallel.ForEachAsync(chunk, new ParallelOptions { MaxDegreeOfParallelism = options.IngestConcurrency, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            if (await HandleAsync(item.Object, item.Key, ct) is { } done)
            {
                handled.Add(done);
                if (done.Result.Outcome == LedgerEntry.Expanded && UploadFolderOf(item.Object) is { } folder) // redelivered too
                {
                    pass.Expanded.TryAdd(folder, true);
                }
            }
            else
            {
                outcomes.AddOrUpdate("failed", 1, (_, n) => n + 1);
            }
        });

        foreach (var outcome in await SignalAndRecordAsync([.. handled], cancellationToken))
        {
            outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
        }
    }

    /// <summary>
    /// The manifests of the upload folders that had new instances in this pass but no manifest in its listing, if they
    /// are there now. An uploader writes its manifest right after its last objects, so it usually lands while the pass
    /// handles them; found only by the next pass, it waited a poll interval and a listing (200-300 ms of the benchmark's
    /// 0.5-0.8 s from the manifest landing to the study de-identified). One properties request per such folder.
    /// </summary>
    private async Task<List<(ObjectProperties Object, string Key)>> ProbeManifestsAsync(
        List<(ObjectProperties Object, string Key)> instances, List<(ObjectProperties Object, string Key)> manifests, CancellationToken cancellationToken)
    {
        var listed = manifests.Select(m => UploadFolderOf(m.Object)).ToHashSet(StringComparer.Ordinal);
        var found = new List<(ObjectProperties Object, string Key)>();
        foreach (var folder in instances.Select(i => UploadFolderOf(i.Object)).OfType<string>().Distinct(StringComparer.Ordinal).Where(f => !listed.Contains(f)))
        {
            ObjectProperties? manifest;
            try
            {
                manifest = await store.GetPropertiesAsync(new ObjectRef(Containers.Incoming, folder + UploadManifest.FileName), cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Only a shortcut: the next pass lists the folder, manifest included.
                LogProbeFailed(SafeErrors.Describe(ex));
                continue;
            }

            if (manifest is null)
            {
                continue;
            }

            var key = HandledKey(manifest);
            var now = time.GetUtcNow();
            if (!_handled.Contains(key) && !(_failing.TryGetValue(key, out var failing) && failing.NotBefore > now))
            {
                found.Add((manifest, key));
            }
        }

        return found;
    }

    /// <summary>{tenant}/{upload-id}/ of an object in an upload folder; null for anything else.</summary>
    private static string? UploadFolderOf(ObjectProperties item) =>
        IncomingObjectName.TryParse(item.Reference.Name) is { } name ? UploadManifest.PrefixOf(name.Tenant, name.UploadId) : null;

    /// <summary>
    /// What this pass looks at: objects outside upload folders ({tenant}/{upload-id}/; they are handled, and refused, as
    /// any other), and everything in the upload folders <see cref="UploadFolders"/> says to list.
    /// </summary>
    private async IAsyncEnumerable<(ObjectProperties Object, string Key)> ListAsync(DateTimeOffset now, Pass pass, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var top in store.ListLevelAsync(Containers.Incoming, string.Empty, cancellationToken))
        {
            if (top.Object is { } stray)
            {
                yield return (stray, HandledKey(stray));
                continue;
            }

            await foreach (var entry in store.ListLevelAsync(Containers.Incoming, top.Folder!, cancellationToken))
            {
                if (entry.Object is { } loose)
                {
                    yield return (loose, HandledKey(loose));
                }
                else if (_folders.ShouldList(entry.Folder!, now))
                {
                    var changed = false;
                    var listed = new ListedFolder();
                    await foreach (var item in store.ListAsync(Containers.Incoming, entry.Folder!, cancellationToken))
                    {
                        // Anything not handled yet (new, or failing and waiting for its retry) keeps the folder active.
                        var key = HandledKey(item);
                        changed |= !_handled.Contains(key);
                        listed.Keys.Add(key);
                        listed.HasManifest |= IsManifest(item); // {tenant}/{upload-id}/manifest.json: this folder's
                        yield return (item, key);
                    }

                    pass.Listed[entry.Folder!] = listed;
                    _folders.Listed(entry.Folder!, now, changed);
                }
            }
        }
    }

    /// <summary>The object version's key in <see cref="_handled"/> (its journal partition and row).</summary>
    private static string HandledKey(ObjectProperties item)
    {
        var (partition, row) = IngestionJournal.KeyOf(item);
        return partition + "/" + row;
    }

    /// <summary>One pass's bookkeeping: outcome counts, the upload folders it listed, those where it expanded an archive.</summary>
    private sealed class Pass
    {
        public ConcurrentDictionary<string, int> Outcomes { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, ListedFolder> Listed { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, bool> Expanded { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>What a pass's listing held of one upload folder: every object version's key, and whether its manifest.</summary>
    private sealed class ListedFolder
    {
        public List<string> Keys { get; } = [];

        public bool HasManifest { get; set; }
    }

    /// <summary>An object handled in this pass, its study not yet told, its journal row not yet written.</summary>
    private sealed record HandledObject(ObjectProperties Item, string Key, string ObjectId, IngestResult Result, AcceptedKeys? Keys, bool Signalled);

    /// <summary>Runs the handler on one object (a redelivered one is signalled again here); null when it failed (retried later).</summary>
    private async Task<HandledObject?> HandleAsync(ObjectProperties item, string key, CancellationToken cancellationToken)
    {
        var objectId = ObjectIdOf(key);
        try
        {
            var result = await handler.HandleAsync(item.Reference, cancellationToken);
            AcceptedKeys? keys = result.Instance is { } instance ? new AcceptedKeys(instance.StudyKey, instance.SeriesKey, instance.SopKey, instance.Version) : null;
            if (result.Redelivered)
            {
                // Handled by an earlier run that may have died before signalling (the journal has no row for it).
                return new HandledObject(item, key, objectId, result, await recovery.ResignalAsync(item.Reference, result, cancellationToken), Signalled: true);
            }

            return new HandledObject(item, key, objectId, result, keys, Signalled: false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Failed(key, objectId, ex);
            return null;
        }
    }

    /// <summary>
    /// Tells the studies what this pass accepted, one signal per study (up to <see cref="StudyEvent.MaxInstancesPerEvent"/>
    /// instances per event) instead of one per instance: each signal is a state read, a queue message and its delete in
    /// the durable engine's storage; a manifest signals its studies itself. Then journals the objects, one transaction
    /// per upload. An object is journaled only after its study was told, so a crash in between finds it again
    /// (redelivered: signalled again); a study whose signal failed leaves its objects failing, retried like any failure.
    /// Returns each object's outcome.
    /// </summary>
    private async Task<List<string>> SignalAndRecordAsync(IReadOnlyList<HandledObject> handled, CancellationToken cancellationToken)
    {
        var failedStudies = await SignalStudiesAsync(handled, cancellationToken);
        var outcomes = new ConcurrentQueue<string>();
        var told = new ConcurrentQueue<HandledObject>();
        await Parallel.ForEachAsync(handled, new ParallelOptions { MaxDegreeOfParallelism = options.IngestConcurrency, CancellationToken = cancellationToken }, async (h, ct) =>
        {
            if ((h.Result.Study is { } s && !h.Signalled && failedStudies.Contains((s.Tenant, s.StudyKey))) || !await SignalManifestAsync(h, ct))
            {
                outcomes.Enqueue("failed");
                return;
            }

            told.Enqueue(h);
        });

        foreach (var upload in told.GroupBy(h => IngestionJournal.KeyOf(h.Item).Partition, StringComparer.Ordinal))
        {
            foreach (var outcome in await RecordAsync([.. upload], cancellationToken))
            {
                outcomes.Enqueue(outcome);
            }
        }

        return [.. outcomes];
    }

    /// <summary>One signal per study for the accepted instances not signalled yet; returns the studies whose signal failed
    /// (their objects are marked failing, to be retried).</summary>
    private async Task<HashSet<(string Tenant, string StudyKey)>> SignalStudiesAsync(IReadOnlyList<HandledObject> handled, CancellationToken cancellationToken)
    {
        var failedStudies = new HashSet<(string Tenant, string StudyKey)>();
        foreach (var study in handled.Where(h => !h.Signalled && h.Result.Study is not null).GroupBy(h => (h.Result.Study!.Tenant, h.Result.Study.StudyKey)))
        {
            try
            {
                var quiet = tenants.Find(study.Key.Tenant)?.QuietPeriod ?? TimeSpan.FromSeconds(60);

                // An instance sent twice in one pass (a new version) is announced at its newest version.
                var announced = study.Select(h => new InstanceVersion(h.Result.Study!.SopKey, h.Result.Study.Version))
                    .GroupBy(i => i.SopKey, StringComparer.Ordinal).Select(g => g.MaxBy(i => i.Version)!).ToList();
                foreach (var chunk in announced.Chunk(StudyEvent.MaxInstancesPerEvent))
                {
                    await studies.SignalAsync(study.Key.Tenant, study.Key.StudyKey, quiet, StudyEvent.Several(chunk), cancellationToken);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                failedStudies.Add(study.Key);
                foreach (var h in study)
                {
                    Failed(h.Key, h.ObjectId, ex);
                }
            }
        }

        return failedStudies;
    }

    /// <summary>Signals a manifest's studies (instances were signalled per study); false when that failed (retried later).</summary>
    private async Task<bool> SignalManifestAsync(HandledObject h, CancellationToken cancellationToken)
    {
        if (h.Signalled || h.Result.Study is not null)
        {
            return true;
        }

        try
        {
            await StudySignals.SendAsync(h.Result, studies, manifests, tenants, cancellationToken); // a manifest, or nothing to signal
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Failed(h.Key, h.ObjectId, ex);
            return false;
        }
    }

    /// <summary>Journals the told objects of one upload in one transaction; their outcomes, or "failed" for each.</summary>
    private async Task<List<string>> RecordAsync(IReadOnlyList<HandledObject> upload, CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            await journal.RecordAllAsync([.. upload.Select(h => EntryOf(h, now))], cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            foreach (var h in upload)
            {
                Failed(h.Key, h.ObjectId, ex);
            }

            return [.. upload.Select(_ => "failed")];
        }

        foreach (var h in upload)
        {
            lock (_handled)
            {
                _handled.Add(h.Key);
            }

            _failing.TryRemove(h.Key, out _);
            LogObject(h.ObjectId, h.Result.Outcome, h.Keys?.StudyKey, h.Result.Rejection?.Code);
        }

        return [.. upload.Select(h => h.Result.Outcome)];
    }

    private static JournalEntry EntryOf(HandledObject h, DateTimeOffset handledAt)
    {
        var (partition, row) = IngestionJournal.KeyOf(h.Item);
        return new JournalEntry(partition, row, h.Result.Outcome, h.Keys?.StudyKey, h.Keys?.SeriesKey, h.Keys?.SopKey, h.Keys?.Version, h.Result.Rejection?.Code, handledAt);
    }

    private void Failed(string key, string objectId, Exception ex)
    {
        var failures = _failing.TryGetValue(key, out var failing) ? failing.Failures + 1 : 1;
        var delay = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, failures - 1)));
        _failing[key] = (failures, time.GetUtcNow() + delay);
        LogObjectFailed(objectId, SafeErrors.Describe(ex), failures, delay.TotalSeconds);
    }

    private static string ObjectIdOf(string key) => key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..key.LastIndexOf('_')];

    private static bool IsManifest(ObjectProperties item) => IncomingObjectName.TryParse(item.Reference.Name)?.IsManifest == true;

    [LoggerMessage(EventId = 8000, Level = LogLevel.Information, Message = "Ingested {Count} new object(s): {Outcomes}")]
    private partial void LogPass(int count, string outcomes);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Debug, Message = "{ObjectId}: {Outcome} (study {StudyKey}, code {Code})")]
    private partial void LogObject(string objectId, string outcome, string? studyKey, string? code);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "{ObjectId}: ingestion failed ({Error}, attempt {Failures}); retrying in {Seconds} s")]
    private partial void LogObjectFailed(string objectId, string error, int failures, double seconds);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "Listing incoming failed ({Error}); retrying")]
    private partial void LogPassFailed(string error);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Warning, Message = "Asking for an upload's manifest failed ({Error}); the next pass lists it")]
    private partial void LogProbeFailed(string error);
}
