using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace Telerad.Triage;

/// <summary>
/// Triage of one study: reads the instances' headers, matches series to the installed models, decodes and
/// preprocesses the slices in parallel, runs the model in batches, and aggregates slice probabilities into findings.
/// Anything it cannot analyse is reported with the reason, never thrown at the caller: the study goes on as routine.
/// Only a missing model that the caller asked for by name, or cancellation, throws.
/// </summary>
public sealed class TriageEngine(ModelLoader models, TriageOptions options, ILogger<TriageEngine>? logger = null)
{
    private static readonly string RuntimeName = "onnxruntime " + OrtEnv.Instance().GetVersionString();
    private readonly ILogger _logger = logger ?? NullLogger<TriageEngine>.Instance;
    private readonly PlaneBuffers _planes = new();

    public async Task<TriageResult> AnalyseAsync(IReadOnlyList<TriageSource> sources, string? modelId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<TriageModel> candidates;
        IReadOnlyList<(string IdAndVersion, string Reason)> failures;
        try
        {
            (candidates, failures) = modelId is not null && modelId.Contains('/', StringComparison.Ordinal)
                ? await LoadVersionAsync(modelId, cancellationToken)
                : await models.LoadActiveAsync(cancellationToken);
        }
        catch (IOException e)
        {
            TriageLog.ModelUnavailable(_logger, e.Message);
            return TriageResult.NotAnalysed("The model store cannot be read: " + e.Message, [], clock.ElapsedMilliseconds);
        }

        if (modelId is not null)
        {
            candidates = [.. candidates.Where(m => m.Manifest.Id == modelId || m.Manifest.Id + "/" + m.Manifest.Version == modelId)];
            failures = [.. failures.Where(f => f.IdAndVersion.StartsWith(modelId + "/", StringComparison.Ordinal) || f.IdAndVersion == modelId)];
            if (candidates.Count == 0 && failures.Count == 0)
            {
                throw new ArgumentException($"No model {modelId} is installed.", nameof(modelId));
            }
        }

        foreach (var failure in failures)
        {
            TriageLog.ModelUnavailable(_logger, failure.Reason);
        }

        if (candidates.Count == 0)
        {
            var why = failures.Count == 0 ? "No triage model is installed." : "No model could be loaded: " + string.Join(" | ", failures.Select(f => f.Reason));
            return TriageResult.NotAnalysed(why, [], clock.ElapsedMilliseconds);
        }

        var skipped = new List<SkippedSeries>();
        var headers = await ReadHeadersAsync(sources, skipped, cancellationToken);
        var analyses = new List<ModelAnalysis>();
        foreach (var series in headers.GroupBy(h => h.SeriesKey, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var slices = SliceOrder.Sort(series);
            var reasons = new List<string>();
            foreach (var model in candidates)
            {
                if (Applicability.WhyNot(model.Manifest, slices) is { } why)
                {
                    reasons.Add(why);
                    continue;
                }

                try
                {
                    analyses.Add(await AnalyseSeriesAsync(model, series.Key, slices, cancellationToken));
                }
                catch (Exception e) when (e is PixelDecodeException or DicomFormatException or IOException or OnnxRuntimeException or ModelLoadException)
                {
                    reasons.Add($"{model.Manifest.Id}: {e.Message}");
                }
            }

            if (!analyses.Any(a => a.SeriesKey == series.Key))
            {
                skipped.Add(new SkippedSeries(series.Key, string.Join("; ", reasons)));
            }
        }

        var result = analyses.Count > 0
            ? new TriageResult { Status = TriageResult.AnalysedStatus, Analyses = analyses, SkippedSeries = skipped, ElapsedMs = clock.ElapsedMilliseconds }
            : TriageResult.NotAnalysed(NoAnalysisReason(skipped), skipped, clock.ElapsedMilliseconds);
        TriageLog.Triaged(_logger, result.Status, analyses.Count, skipped.Count, result.Critical, result.ElapsedMs);
        return result;
    }

    /// <summary>One version asked for by name ("id/version"), whatever is pinned or newest; not installed: nothing.</summary>
    private async Task<(IReadOnlyList<TriageModel>, IReadOnlyList<(string, string)>)> LoadVersionAsync(string idAndVersion, CancellationToken cancellationToken)
    {
        if (!(await models.ListVersionsAsync(cancellationToken)).Contains(idAndVersion, StringComparer.Ordinal))
        {
            return ([], []);
        }

        try
        {
            return ([await models.LoadAsync(idAndVersion, cancellationToken)], []);
        }
        catch (Exception e) when (e is ModelLoadException or ModelManifestException)
        {
            return ([], [(idAndVersion, e.Message)]);
        }
    }

    private static string NoAnalysisReason(List<SkippedSeries> skipped) =>
        skipped.Count == 0 ? "The study has no instances." : "No series could be analysed: " + string.Join(" | ", skipped.Select(s => s.Reason));

    private async Task<List<SliceHeader>> ReadHeadersAsync(IReadOnlyList<TriageSource> sources, List<SkippedSeries> skipped, CancellationToken cancellationToken)
    {
        var headers = new SliceHeader?[sources.Count];
        var errors = new string?[sources.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, sources.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.PreprocessParallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                try
                {
                    headers[i] = await SliceHeader.ReadAsync(sources[i], ct);
                }
                catch (Exception e) when (e is DicomFormatException or IOException)
                {
                    errors[i] = $"{sources[i].Name}: not readable: {e.Message}";
                }
            });
        skipped.AddRange(errors.OfType<string>().Select(e => new SkippedSeries("(unreadable)", e)));
        return [.. headers.OfType<SliceHeader>()];
    }

    private async Task<ModelAnalysis> AnalyseSeriesAsync(TriageModel model, string seriesKey, List<SliceHeader> slices, CancellationToken cancellationToken)
    {
        var manifest = model.Manifest;
        var preprocessor = new SlicePreprocessor(manifest.Preprocessing);
        var frames = slices.SelectMany(s => Enumerable.Range(0, s.Frames).Select(f => (Slice: s, Frame: f))).ToList();
        frames = Sample(frames, manifest.Preprocessing.MaxSlices);

        // Reused: a 300-slice study at 128 x 128 is 20 MB, a large-object allocation per study otherwise (pages zeroed
        // and faulted in, collected only with generation 2). Every plane used is written whole before it is read.
        var planes = _planes.Rent(frames.Count * preprocessor.PlaneLength);
        try
        {
            return await AnalyseFramesAsync(model, seriesKey, slices, frames, preprocessor, planes, cancellationToken);
        }
        finally
        {
            _planes.Return(planes);
        }
    }

    private async Task<ModelAnalysis> AnalyseFramesAsync(TriageModel model, string seriesKey, List<SliceHeader> slices, List<(SliceHeader Slice, int Frame)> frames, SlicePreprocessor preprocessor, float[] planes, CancellationToken cancellationToken)
    {
        var manifest = model.Manifest;
        var findingsPerSlice = manifest.Output.Shape[1];
        var probabilities = new float[frames.Count * findingsPerSlice];
        var channels = manifest.Preprocessing.Channels;
        // Summed in Stopwatch ticks and rounded once: whole milliseconds per batch would drop up to 1 ms a batch.
        long preprocessTicks = 0, inferenceTicks = 0;
        void Infer(float[] input, int start, int count)
        {
            var started = Stopwatch.GetTimestamp();
            var perSlice = channels * preprocessor.PlaneLength; // the pooled array may be longer than the study
            model.Run(input.AsMemory(start * perSlice, count * perSlice), count).CopyTo(probabilities, start * findingsPerSlice);
            Interlocked.Add(ref inferenceTicks, Stopwatch.GetTimestamp() - started);
        }

        // Slices read from remote storage (blobs), one per instance, no neighbours stacked: batch k runs through the
        // model while batch k + 1 is fetched, so inference fills the network waits. Otherwise every slice is preprocessed
        // first, then the batches run: local files make preprocessing CPU-bound, and overlapping it with inference only
        // makes both fight over the same cores (measured on 2 cores: 78-99 ms against 83-121 ms for 300 slices); a
        // multi-frame file is read once; stacked channels need their neighbours.
        var pipelined = channels == 1 && slices.All(s => s.Frames == 1 && s.Source.FilePath is null);
        var chunk = pipelined ? options.BatchSize : frames.Count;
        var running = Task.CompletedTask;
        var buffers = new FrameBuffers();
        try
        {
            for (var start = 0; start < frames.Count; start += chunk)
            {
                var count = Math.Min(chunk, frames.Count - start);
                var started = Stopwatch.GetTimestamp();
                await PreprocessAsync(preprocessor, frames, start, count, planes, buffers, cancellationToken);
                preprocessTicks += Stopwatch.GetTimestamp() - started;
                if (pipelined)
                {
                    await running;
                    var (batchStart, batchCount) = (start, count);
                    running = Task.Run(() => Infer(planes, batchStart, batchCount), cancellationToken);
                }
            }
        }
        finally
        {
            // Never leave a batch running behind a slice that failed to decode.
            await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await running;
        if (!pipelined)
        {
            var input = StackChannels(planes, frames.Count, preprocessor.PlaneLength, channels);
            for (var start = 0; start < frames.Count; start += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Infer(input, start, Math.Min(options.BatchSize, frames.Count - start));
            }
        }

        var findings = manifest.Findings.Select(f =>
        {
            var column = Enumerable.Range(0, frames.Count).Select(i => probabilities[(i * findingsPerSlice) + f.OutputIndex]).ToArray();
            var (score, flagged, maxIndex) = Aggregation.Aggregate(column, f.Threshold, f.Aggregation);
            return new FindingResult
            {
                Id = f.Id,
                Label = f.Label,
                Score = Math.Round(score, 6),
                Threshold = f.Threshold,
                Flagged = flagged,
                Critical = f.Critical,
                Aggregation = f.Aggregation.Method,
                MaxSliceIndex = maxIndex,
                MaxSliceInstanceNumber = frames[maxIndex].Slice.InstanceNumber,
            };
        }).ToList();
        var (preprocessMs, inferenceMs) = (WholeMilliseconds(preprocessTicks), WholeMilliseconds(inferenceTicks));
        TriageLog.SeriesAnalysed(_logger, manifest.Id, manifest.Version, frames.Count, preprocessMs, inferenceMs);
        return new ModelAnalysis
        {
            ModelId = manifest.Id,
            ModelVersion = manifest.Version,
            ModelSha256 = manifest.Sha256,
            Disclaimer = manifest.Disclaimer,
            SeriesKey = seriesKey,
            SlicesAnalysed = frames.Count,
            Findings = findings,
            Runtime = RuntimeName,
            PreprocessMs = preprocessMs,
            InferenceMs = inferenceMs,
        };
    }

    /// <summary>Reads, decodes and preprocesses frames [start, start + count) into their planes, instances in parallel.</summary>
    private async Task PreprocessAsync(SlicePreprocessor preprocessor, List<(SliceHeader Slice, int Frame)> frames, int start, int count, float[] planes, FrameBuffers buffers, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(
            Enumerable.Range(start, count).Select(index => (frames[index].Slice, frames[index].Frame, Index: index)).GroupBy(f => f.Slice),
            new ParallelOptions { MaxDegreeOfParallelism = options.PreprocessParallelism, CancellationToken = cancellationToken },
            async (instance, ct) =>
            {
                using var file = await instance.Key.Source.ReadAsync(headerOnly: false, ct);
                var pixels = DicomPixelData.Create(file);
                var buffer = buffers.Rent(pixels.ReusableFrameLength);
                try
                {
                    foreach (var (_, frame, index) in instance)
                    {
                        var decoded = pixels.TryDecodeFrame(frame, buffer);
                        if (!decoded.Success)
                        {
                            throw new PixelDecodeException($"{instance.Key.Source.Name}: pixel data not decodable ({decoded.Failure}): {decoded.Reason}", decoded.Failure);
                        }

                        preprocessor.Process(decoded.Frame!, ModalityLut.FromDataset(file.Dataset, frame), planes.AsSpan(index * preprocessor.PlaneLength, preprocessor.PlaneLength));
                    }
                }
                finally
                {
                    buffers.Return(buffer);
                }
            });
    }

    private static long WholeMilliseconds(long ticks) => (long)Math.Round(Stopwatch.GetElapsedTime(0, ticks).TotalMilliseconds);

    /// <summary>At most <paramref name="max"/> slices, evenly spaced, first and last included; 0 keeps all.</summary>
    internal static List<T> Sample<T>(List<T> items, int max)
    {
        if (max <= 0 || items.Count <= max)
        {
            return items;
        }

        if (max == 1)
        {
            return [items[items.Count / 2]];
        }

        return [.. Enumerable.Range(0, max).Select(i => items[(int)Math.Round(i * (items.Count - 1) / (double)(max - 1))])];
    }

    /// <summary>With c channels, slice i's input is slices i-c/2 .. i+c/2 (edges repeated), the slice itself in the middle.</summary>
    internal static float[] StackChannels(float[] planes, int count, int planeLength, int channels)
    {
        if (channels == 1)
        {
            return planes;
        }

        var stacked = new float[count * channels * planeLength];
        var half = channels / 2;
        for (var i = 0; i < count; i++)
        {
            for (var c = 0; c < channels; c++)
            {
                var source = Math.Clamp(i - half + c, 0, count - 1);
                planes.AsSpan(source * planeLength, planeLength).CopyTo(stacked.AsSpan(((i * channels) + c) * planeLength, planeLength));
            }
        }

        return stacked;
    }
}
