using System.Diagnostics;
using System.Globalization;
using Telerad.Dicom;
using Telerad.Samples;
using Telerad.Triage;

namespace Telerad.Benchmarks;

/// <summary>
/// `triage MODELS [SLICES] [RUNS]`: triage of one synthetic head CT (Telerad.Samples' lesion study at 512x512 and
/// SLICES slices, default 300) against the same model's bare ONNX Runtime Run on ready tensors, in the same process,
/// alternating (machines are noisy: the ratio is the figure). Prints per-study and per-slice latencies and two ratios:
/// the issue's measure (decode + preprocessing + inference, from the engine's own stage timers) and the whole triage
/// call (which adds the header pass that groups and orders the slices, the model check and the aggregation).
/// </summary>
internal static class TriageBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var models = args[0];
        var slices = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 300;
        var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 7;
        var folder = Path.Combine(Path.GetTempPath(), $"telerad-triage-bench-{slices}");
        if (!File.Exists(Path.Combine(folder, ".complete")))
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            SampleStudyGenerator.Generate(folder, new SampleOptions { Dimensions = SampleDimensions.Full with { CtSlices = slices } });
            await File.WriteAllTextAsync(Path.Combine(folder, ".complete"), string.Empty);
        }

        var files = Directory.EnumerateFiles(Path.Combine(folder, "ct-head-lesion"), "*.dcm").Order(StringComparer.Ordinal).ToList();
        var options = new TriageOptions { PreprocessParallelism = int.TryParse(Environment.GetEnvironmentVariable("BENCH_PREPROCESS_PARALLELISM"), out var parallelism) ? parallelism : Environment.ProcessorCount };
        using var loader = new ModelLoader(new FolderModelStore(models), options);
        var engine = new TriageEngine(loader, options);
        var model = (await loader.LoadActiveAsync()).Models.Single();

        // Ready tensors: the engine's own preprocessing, done once, outside the timing.
        var first = await engine.AnalyseAsync([.. files.Select(TriageSource.FromFile)]);
        if (first.Status != TriageResult.AnalysedStatus)
        {
            Console.Error.WriteLine($"not analysed: {first.Reason}");
            return 1;
        }

        var tensors = await ReadyTensorsAsync(files, model.Manifest.Preprocessing);
        var plane = model.Manifest.Preprocessing.Channels * model.Manifest.Preprocessing.Resample.Rows * model.Manifest.Preprocessing.Resample.Columns;
        var bare = new List<double>();
        var full = new List<double>();
        var preprocess = new List<double>();
        var inference = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var clock = Stopwatch.StartNew();
            for (var start = 0; start < files.Count; start += options.BatchSize)
            {
                var count = Math.Min(options.BatchSize, files.Count - start);
                model.Run(tensors.AsMemory(start * plane, count * plane), count);
            }

            bare.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            var result = await engine.AnalyseAsync([.. files.Select(TriageSource.FromFile)]);
            full.Add(clock.Elapsed.TotalMilliseconds);
            preprocess.Add(result.Analyses.Sum(a => a.PreprocessMs));
            inference.Add(result.Analyses.Sum(a => a.InferenceMs));
        }

        var stages = Stages(files, model.Manifest.Preprocessing);
        var staged = preprocess.Zip(inference, (x, y) => x + y).ToList();
        var (b, f, p, s) = (Median(bare), Median(full), Median(preprocess), Median(staged));
        var flagged = string.Join(", ", first.FlaggedFindings.Select(x => x.Id));
        Console.WriteLine(FormattableString.Invariant($"study: {files.Count} slices 512x512, model {model.Manifest.Id} {model.Manifest.Version}, {runs} runs (medians), {Environment.ProcessorCount} cores"));
        Console.WriteLine(FormattableString.Invariant($"bare inference on ready tensors: {b:0} ms per study, {b / files.Count:0.00} ms per slice"));
        Console.WriteLine(FormattableString.Invariant($"triage (read + decode + preprocess + inference + aggregate): {f:0} ms per study, {f / files.Count:0.00} ms per slice (of which read/decode/preprocess {p:0} ms, inference {Median(inference):0} ms, the rest headers, model check, aggregation)"));
        Console.WriteLine(FormattableString.Invariant($"ratio decode + preprocess + inference / bare inference (the issue's measure): {s / b:0.00}  (target <= 1.3); {Spread(staged, bare)}"));
        Console.WriteLine(FormattableString.Invariant($"ratio whole triage call / bare inference: {f / b:0.00}; {Spread(full, bare)}"));
        Console.WriteLine(FormattableString.Invariant($"study under 3 s: {(f <= 3000 ? "yes" : "no")}; flagged: {(flagged.Length == 0 ? "none" : flagged)}"));
        Console.WriteLine(FormattableString.Invariant($"stages, one thread, whole study: {stages}"));
        return 0;
    }

    /// <summary>Each step of the engine's per-slice work on its own, one thread (where the CPU goes), the engine's way:
    /// positional file reads, frames decoded into one reused buffer.</summary>
    private static string Stages(List<string> files, ModelPreprocessing settings)
    {
        var preprocessor = new SlicePreprocessor(settings);
        var plane = new float[preprocessor.PlaneLength];
        var headerOnly = new DicomReaderOptions { StopBeforePixelData = true };
        byte[]? buffer = null;
        double header = 0, read = 0, decode = 0, process = 0;
        var clock = new Stopwatch();
        foreach (var path in files)
        {
            clock.Restart();
            using (DicomFile.Open(path, headerOnly))
            {
            }

            header += clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            using var file = DicomFile.Open(path);
            var pixels = DicomPixelData.Create(file);
            read += clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            buffer = buffer?.Length == pixels.ReusableFrameLength ? buffer : new byte[pixels.ReusableFrameLength ?? 0];
            var frame = pixels.TryDecodeFrame(0, buffer).GetFrameOrThrow();
            decode += clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            preprocessor.Process(frame, ModalityLut.FromDataset(file.Dataset), plane);
            process += clock.Elapsed.TotalMilliseconds;
        }

        return FormattableString.Invariant($"header pass {header:0} ms, read + parse {read:0} ms, decode (pixel read) {decode:0} ms, preprocess {process:0} ms");
    }

    private static async Task<float[]> ReadyTensorsAsync(List<string> files, ModelPreprocessing settings)
    {
        var preprocessor = new SlicePreprocessor(settings);
        var planes = new float[files.Count * preprocessor.PlaneLength];
        for (var i = 0; i < files.Count; i++)
        {
            await using var stream = File.OpenRead(files[i]);
            using var file = DicomFile.Read(stream);
            preprocessor.Process(DicomPixelData.Create(file).DecodeFrame(0), ModalityLut.FromDataset(file.Dataset), planes.AsSpan(i * preprocessor.PlaneLength, preprocessor.PlaneLength));
        }

        return settings.Channels == 1 ? planes : throw new NotSupportedException("The benchmark stacks no channels.");
    }

    /// <summary>Each run's own ratio (against the bare run just before it): the spread says how much of a figure is the
    /// machine's noise.</summary>
    private static string Spread(List<double> measured, List<double> bare)
    {
        var ratios = measured.Zip(bare, (x, y) => x / y).Order().ToList();
        return FormattableString.Invariant($"per run: min {ratios[0]:0.00}, quartiles {ratios[ratios.Count / 4]:0.00} / {Median(ratios):0.00} / {ratios[3 * ratios.Count / 4]:0.00}, max {ratios[^1]:0.00}, at or under 1.3: {ratios.Count(r => r <= 1.3)} of {ratios.Count}");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
