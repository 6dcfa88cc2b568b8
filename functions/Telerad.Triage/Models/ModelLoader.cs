using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Telerad.Triage;

/// <summary>Settings of the triage engine (configuration section "Triage").</summary>
public sealed record TriageOptions
{
    /// <summary>Threads ONNX Runtime uses inside one inference; 0 lets it decide (one per core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Slices per inference call: bounds the activations' memory.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Slices decoded and preprocessed at once.</summary>
    public int PreprocessParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Versions triage runs instead of the newest, as "{id}/{version}" (configuration <c>Triage:PinnedVersions:0</c>,
    /// <c>:1</c>, …: a list, because app setting names cannot carry a model id's dashes on Linux). Without a pin the
    /// newest installed version that loads runs: installing a new version switches to it, pinning the old one rolls back.
    /// </summary>
    public IReadOnlyList<string> PinnedVersions { get; init; } = [];

    /// <summary>The pins by model id (after <see cref="Validate"/>: one per id).</summary>
    public IReadOnlyDictionary<string, string> PinnedVersionById() =>
        PinnedVersions.ToDictionary(ModelVersions.IdOf, ModelVersions.VersionOf, StringComparer.Ordinal);

    public void Validate()
    {
        if (IntraOpThreads < 0 || BatchSize < 1 || PreprocessParallelism < 1)
        {
            throw new ArgumentException("Triage options: intra-op threads >= 0, batch size >= 1, preprocessing parallelism >= 1.");
        }

        if (PinnedVersions.FirstOrDefault(p => p.Split('/') is not [{ Length: > 0 }, { Length: > 0 }] || p.Any(char.IsWhiteSpace)) is { } bad)
        {
            throw new ArgumentException($"Triage options: the pinned version \"{bad}\" is not \"{{id}}/{{version}}\".");
        }

        if (PinnedVersions.GroupBy(ModelVersions.IdOf, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Triage options: model {twice.Key} is pinned more than once ({string.Join(", ", twice)}).");
        }
    }
}

/// <summary>
/// Loads models from a store: reads the manifest, verifies the model file's SHA-256 before ONNX Runtime sees a byte
/// of it, checks the graph's input and output against the manifest, and caches the session per model version and hash.
/// </summary>
public sealed class ModelLoader(IModelStore store, TriageOptions options) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TriageModel>>> _cache = new(StringComparer.Ordinal);

    /// <summary>Every model version in the store, loaded (cached after the first call); throws on the first that cannot load.</summary>
    public async Task<IReadOnlyList<TriageModel>> LoadAllAsync(CancellationToken cancellationToken = default)
    {
        var (models, failures) = await LoadAvailableAsync(cancellationToken);
        return failures.Count == 0 ? models : throw new ModelLoadException(failures[0].Reason);
    }

    /// <summary>
    /// Every model version in the store that loads, and for each one that does not, why: one broken or tampered model
    /// must not stop the others from running.
    /// </summary>
    public async Task<(IReadOnlyList<TriageModel> Models, IReadOnlyList<(string IdAndVersion, string Reason)> Failures)> LoadAvailableAsync(CancellationToken cancellationToken = default)
    {
        var models = new List<TriageModel>();
        var failures = new List<(string, string)>();
        foreach (var idAndVersion in await store.ListAsync(cancellationToken))
        {
            try
            {
                models.Add(await LoadAsync(idAndVersion, cancellationToken));
            }
            catch (Exception e) when (e is ModelLoadException or ModelManifestException or IOException)
            {
                failures.Add((idAndVersion, e.Message));
            }
        }

        return (models, failures);
    }

    /// <summary>Every model version in the store, as "{id}/{version}".</summary>
    public Task<IReadOnlyList<string>> ListVersionsAsync(CancellationToken cancellationToken = default) => store.ListAsync(cancellationToken);

    /// <summary>
    /// For each model id in the store, the version triage runs: the pinned one (<see cref="TriageOptions.PinnedVersions"/>),
    /// or else the newest that loads (versions compare as numbers when both are, "10" after "9"). A newer version that
    /// cannot load is reported and the next one runs, so a broken upload does not switch triage off; a pinned version
    /// that is missing or cannot load is reported and nothing of that id runs.
    /// </summary>
    public async Task<(IReadOnlyList<TriageModel> Models, IReadOnlyList<(string IdAndVersion, string Reason)> Failures)> LoadActiveAsync(CancellationToken cancellationToken = default)
    {
        var models = new List<TriageModel>();
        var failures = new List<(string, string)>();
        var pins = options.PinnedVersionById();
        foreach (var versions in (await store.ListAsync(cancellationToken)).GroupBy(ModelVersions.IdOf, StringComparer.Ordinal))
        {
            List<string> candidates;
            if (pins.TryGetValue(versions.Key, out var pinned))
            {
                candidates = [.. versions.Where(v => ModelVersions.VersionOf(v) == pinned)];
                if (candidates.Count == 0)
                {
                    failures.Add((versions.Key + "/" + pinned, $"Model {versions.Key} is pinned to version {pinned}, which is not installed (installed: {string.Join(", ", versions.Select(ModelVersions.VersionOf))})."));
                }
            }
            else
            {
                candidates = [.. versions.OrderByDescending(ModelVersions.VersionOf, ModelVersions.Comparer)];
            }

            foreach (var idAndVersion in candidates)
            {
                try
                {
                    models.Add(await LoadAsync(idAndVersion, cancellationToken));
                    break;
                }
                catch (Exception e) when (e is ModelLoadException or ModelManifestException or IOException)
                {
                    failures.Add((idAndVersion, e.Message));
                }
            }
        }

        return (models, failures);
    }

    public async Task<TriageModel> LoadAsync(string idAndVersion, CancellationToken cancellationToken = default)
    {
        var manifest = ModelManifestJson.Parse(await store.ReadAsync(idAndVersion, ModelManifest.FileName, cancellationToken));
        if (idAndVersion != manifest.Id + "/" + manifest.Version)
        {
            throw new ModelManifestException($"The manifest at {idAndVersion} describes {manifest.Id}/{manifest.Version}.");
        }

        var key = idAndVersion + "@" + manifest.Sha256;
        var entry = _cache.GetOrAdd(key, _ => new Lazy<Task<TriageModel>>(() => CreateAsync(idAndVersion, manifest, CancellationToken.None)));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (entry.Value.IsFaulted)
        {
            _cache.TryRemove(key, out _); // a failed load is tried again next time (the file may be fixed)
            throw;
        }
    }

    private async Task<TriageModel> CreateAsync(string idAndVersion, ModelManifest manifest, CancellationToken cancellationToken)
    {
        var bytes = await store.ReadAsync(idAndVersion, manifest.File, cancellationToken);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != manifest.Sha256)
        {
            throw new ModelLoadException($"Model {manifest.Id} {manifest.Version}: {manifest.File} has SHA-256 {actual}, the manifest says {manifest.Sha256}; refused.");
        }

        InferenceSession session;
        using var sessionOptions = new SessionOptions { IntraOpNumThreads = options.IntraOpThreads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };

        // Idle intra-op threads sleep instead of spinning: a spinning pool burns the cores that slice preprocessing
        // (and the host's other work) needs between batches; measured on 2 cores, the bare Run is as fast either way.
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        try
        {
            session = new InferenceSession(bytes, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException($"Model {manifest.Id} {manifest.Version}: ONNX Runtime cannot load {manifest.File}: {e.Message}", e);
        }

        try
        {
            CheckGraph(manifest, session);
        }
        catch
        {
            session.Dispose();
            throw;
        }

        return new TriageModel(manifest, session);
    }

    private static void CheckGraph(ModelManifest manifest, InferenceSession session)
    {
        if (!session.InputMetadata.TryGetValue(manifest.Input.Name, out var input) || input.ElementDataType != TensorElementType.Float)
        {
            throw new ModelLoadException($"Model {manifest.Id} {manifest.Version}: the graph has no float input named {manifest.Input.Name} (it has {string.Join(", ", session.InputMetadata.Keys)}).");
        }

        if (!session.OutputMetadata.TryGetValue(manifest.Output.Name, out var output) || output.ElementDataType != TensorElementType.Float)
        {
            throw new ModelLoadException($"Model {manifest.Id} {manifest.Version}: the graph has no float output named {manifest.Output.Name} (it has {string.Join(", ", session.OutputMetadata.Keys)}).");
        }

        if (!ShapesAgree(input.Dimensions, manifest.Input.Shape) || !ShapesAgree(output.Dimensions, manifest.Output.Shape))
        {
            throw new ModelLoadException(
                $"Model {manifest.Id} {manifest.Version}: the graph's shapes [{string.Join(", ", input.Dimensions)}] -> [{string.Join(", ", output.Dimensions)}] differ from the manifest's.");
        }
    }

    /// <summary>Dynamic dimensions (-1 or symbolic in the graph) agree with anything; fixed ones must be equal.</summary>
    private static bool ShapesAgree(int[] graph, IReadOnlyList<int> manifest) =>
        graph.Length == manifest.Count && graph.Zip(manifest).All(d => d.First <= 0 || d.Second <= 0 || d.First == d.Second);

    public void Dispose()
    {
        foreach (var entry in _cache.Values.Where(e => e.IsValueCreated && e.Value.IsCompletedSuccessfully))
        {
            entry.Value.Result.Dispose();
        }

        _cache.Clear();
    }
}
