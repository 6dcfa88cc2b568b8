using Telerad.Dicom.Tests;
using static Telerad.Triage.Tests.SyntheticSeries;

namespace Telerad.Triage.Tests;

/// <summary>
/// The engine end to end with the probe model (plane maximum and mean): every expected score is worked out from the
/// slices the test writes, the window (0-80 HU to 0-1) and 16 -> 8 area resampling (each output cell is a 2x2 block).
/// </summary>
public sealed class TriageEngineTests : IDisposable
{
    private readonly string _scratch = TestData.NewScratchDirectory("triage-engine");
    private readonly ModelLoader _loader;
    private readonly TriageEngine _engine;

    public TriageEngineTests()
    {
        ProbeModel.Install(Path.Combine(_scratch, "models"));
        _loader = new ModelLoader(new FolderModelStore(Path.Combine(_scratch, "models")), new TriageOptions { BatchSize = 4 });
        _engine = new TriageEngine(_loader, new TriageOptions { BatchSize = 4 });
    }

    public void Dispose() => _loader.Dispose();

    private string Folder(string name) => Path.Combine(_scratch, name);

    private Task<TriageResult> AnalyseAsync(IEnumerable<string> files, string? model = null) =>
        _engine.AnalyseAsync([.. files.Select(TriageSource.FromFile)], model);

    [Fact]
    public async Task A_bright_block_is_found_on_its_slice_in_anatomical_order()
    {
        // Six slices of 0 HU; the fourth (instance 4) has 80 HU at rows 4-5, columns 6-7: exactly output cell (2, 3),
        // which becomes 1.0. Its plane mean is 1/64 = 0.015625; the top-2 mean of the "mean" finding is half that.
        var slices = Enumerable.Repeat(Constant(0), 6).ToList();
        slices[3] = Square(0, 80, 4, 6, 6, 8);
        var result = await AnalyseAsync(Write(Folder("block"), slices).OrderBy(f => f, StringComparer.Ordinal));

        Assert.Equal(TriageResult.AnalysedStatus, result.Status);
        var analysis = Assert.Single(result.Analyses);
        Assert.Equal(6, analysis.SlicesAnalysed);
        Assert.StartsWith("onnxruntime ", analysis.Runtime, StringComparison.Ordinal);
        var bright = analysis.Findings.Single(f => f.Id == "bright");
        Assert.Equal(1.0, bright.Score, 6);
        Assert.True(bright.Flagged);
        Assert.Equal(3, bright.MaxSliceIndex);
        Assert.Equal(4, bright.MaxSliceInstanceNumber);
        var mean = analysis.Findings.Single(f => f.Id == "mean");
        Assert.Equal(0.0078125, mean.Score, 6);
        Assert.False(mean.Flagged);
        Assert.True(result.Critical);
    }

    [Fact]
    public async Task A_block_split_across_output_cells_is_averaged_down_and_not_flagged()
    {
        // 60 HU (0.75) at rows 5-6: each of the two cells it touches holds two of its pixels among four -> 0.375 < 0.5.
        var slices = Enumerable.Repeat(Constant(0), 4).ToList();
        slices[1] = Square(0, 60, 5, 7, 6, 8);
        var result = await AnalyseAsync(Write(Folder("split"), slices));

        var bright = Assert.Single(result.Analyses).Findings.Single(f => f.Id == "bright");
        Assert.Equal(0.375, bright.Score, 6);
        Assert.False(bright.Flagged);
        Assert.False(result.Critical);
    }

    [Fact]
    public async Task Every_flagged_finding_is_listed_with_whether_it_is_critical()
    {
        // Slices of 90, 80, 0 HU: windowed 1, 1, 0. "mean": the top-2 mean of the plane means (1, 1, 0) is 1 >= 0.9, so it
        // is flagged; it is not a critical finding. "bright" (critical) flags too: both are listed, in manifest order.
        var result = await AnalyseAsync(Write(Folder("mean"), [Constant(90), Constant(80), Constant(0)]));

        var findings = Assert.Single(result.Analyses).Findings;
        Assert.True(findings.Single(f => f.Id == "mean").Flagged);
        Assert.False(findings.Single(f => f.Id == "mean").Critical);
        Assert.Equal(["bright", "mean"], result.FlaggedFindings.Select(f => f.Id));
    }

    [Fact]
    public async Task A_series_no_model_applies_to_is_not_analysed_with_the_reason()
    {
        var mr = await AnalyseAsync(Write(Folder("mr"), [Constant(0), Constant(0), Constant(0)], modality: "MR"));
        Assert.Equal(TriageResult.NotAnalysedStatus, mr.Status);
        Assert.Contains("probe: modality MR is not CT", mr.Reason, StringComparison.Ordinal);

        var chest = await AnalyseAsync(Write(Folder("chest"), [Constant(0), Constant(0), Constant(0)], bodyPart: "CHEST"));
        Assert.Contains("body part CHEST is not HEAD", chest.Reason, StringComparison.Ordinal);

        var two = await AnalyseAsync(Write(Folder("two"), [Constant(0), Constant(0)]));
        Assert.Contains("2 slices; the model needs at least 3", two.Reason, StringComparison.Ordinal);
        Assert.False(two.Critical);
    }

    [Fact]
    public async Task Pixels_in_a_transfer_syntax_without_a_decoder_are_not_analysed_and_nothing_is_thrown()
    {
        // pydicom's JPEG 2000 file, relabelled as a CT head series in JPEG XL Lossless, which Telerad.Dicom does not decode.
        var folder = Folder("jpegxl");
        Directory.CreateDirectory(folder);
        var series = "2.25.1234567";
        var files = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var source = DicomFile.Open(Path.Combine(TestData.PydicomTestFiles, "JPEG2000.dcm"));
            var d = source.Dataset;
            d.SetString(DicomTags.Modality, "CT");
            d.SetString(DicomTags.BodyPartExamined, "HEAD");
            d.SetString(DicomTags.SeriesInstanceUID, series);
            d.SetString(DicomTags.SOPInstanceUID, $"2.25.99{i}");
            d.SetInteger(DicomTags.InstanceNumber, i + 1);
            var path = Path.Combine(folder, $"{i}.dcm");
            DicomWriter.WriteFile(path, d, DicomTransferSyntax.JpegXLLossless);
            files.Add(path);
        }

        var result = await AnalyseAsync(files);

        Assert.Equal(TriageResult.NotAnalysedStatus, result.Status);
        Assert.Contains("not decodable", result.Reason, StringComparison.Ordinal);
        Assert.Equal(series, Assert.Single(result.SkippedSeries).SeriesKey);
    }

    [Fact]
    public async Task An_unreadable_file_is_skipped_and_the_rest_is_analysed()
    {
        var files = Write(Folder("mixed"), [Constant(0), Square(0, 80, 0, 2, 0, 2), Constant(0)]);
        var junk = Path.Combine(Folder("mixed"), "junk.dcm");
        await File.WriteAllBytesAsync(junk, [.. Enumerable.Range(0, 300).Select(i => (byte)i)]);

        var result = await AnalyseAsync(files.Append(junk));

        Assert.Equal(TriageResult.AnalysedStatus, result.Status);
        Assert.Contains(result.SkippedSeries, s => s.Reason.StartsWith("junk.dcm: not readable", StringComparison.Ordinal));
        Assert.True(result.Critical);
    }

    [Fact]
    public async Task A_model_that_cannot_load_is_reported_and_the_others_still_run()
    {
        var files = Write(Folder("bad-model"), [Constant(0), Square(0, 80, 0, 2, 0, 2), Constant(0)]);
        var models = Path.Combine(_scratch, "models");
        ProbeModel.Install(models, id: "tampered");
        await File.AppendAllTextAsync(Path.Combine(models, "tampered", "1", "model.onnx"), "tampered");

        var result = await AnalyseAsync(files);
        Assert.Equal(TriageResult.AnalysedStatus, result.Status);
        Assert.Equal("probe", Assert.Single(result.Analyses).ModelId);
        Assert.True(result.Critical);

        var alone = await AnalyseAsync(files, model: "tampered");
        Assert.Equal(TriageResult.NotAnalysedStatus, alone.Status);
        Assert.Contains("No model could be loaded: Model tampered 1: model.onnx has SHA-256", alone.Reason, StringComparison.Ordinal);
        Assert.Contains("refused", alone.Reason, StringComparison.Ordinal);

        await Assert.ThrowsAsync<ArgumentException>(() => AnalyseAsync(files, model: "no-such-model"));
    }

    [Fact]
    public async Task One_version_per_model_runs_the_newest_unless_the_caller_names_one()
    {
        var files = Write(Folder("versions"), [Constant(0), Square(0, 80, 0, 2, 0, 2), Constant(0)]);
        ProbeModel.Install(Path.Combine(_scratch, "models"), version: "2");

        var newest = await AnalyseAsync(files);
        Assert.Equal("2", Assert.Single(newest.Analyses).ModelVersion);

        var named = await AnalyseAsync(files, model: "probe/1");
        Assert.Equal("1", Assert.Single(named.Analyses).ModelVersion);
        Assert.Equal("2", Assert.Single((await AnalyseAsync(files, model: "probe")).Analyses).ModelVersion);
        await Assert.ThrowsAsync<ArgumentException>(() => AnalyseAsync(files, model: "probe/3"));
    }

    [Fact]
    public async Task Headers_are_read_through_the_cheap_opener_and_pixels_once_each()
    {
        var files = Write(Folder("openers"), [Constant(0), Square(0, 80, 0, 2, 0, 2), Constant(0)]);
        var (headers, full) = (0, 0);
        var sources = files.Select(f => new TriageSource(
            Path.GetFileName(f),
            _ => { Interlocked.Increment(ref full); return Task.FromResult<Stream>(File.OpenRead(f)); },
            _ => { Interlocked.Increment(ref headers); return Task.FromResult<Stream>(File.OpenRead(f)); })).ToList();

        var result = await _engine.AnalyseAsync(sources);

        Assert.True(result.Critical);
        Assert.Equal((3, 3), (headers, full));
    }

    /// <summary>
    /// Local files are all preprocessed first and then inferred; stream sources (blobs) overlap fetching with inference
    /// batch by batch (batch size 4 here, 10 slices: three batches). Both paths give the same result, slice for slice.
    /// </summary>
    [Fact]
    public async Task Files_and_streams_give_the_same_result()
    {
        // Squares of 20-74 HU filling one output cell on every third slice, flat 5-40 HU slices between.
        var slices = Enumerable.Range(0, 10).Select(i => i % 3 == 0 ? Square(0, (short)(20 + (6 * i)), 2 * (i % 4), (2 * (i % 4)) + 2, 2, 4) : Constant((short)(5 * i))).ToList();
        var files = Write(Folder("paths"), slices);

        var fromFiles = await AnalyseAsync(files);
        var fromStreams = await _engine.AnalyseAsync([.. files.Select(f => new TriageSource(Path.GetFileName(f), _ => Task.FromResult<Stream>(File.OpenRead(f))))]);

        Assert.Equal(files[0], TriageSource.FromFile(files[0]).FilePath);
        var (a, b) = (Assert.Single(fromFiles.Analyses), Assert.Single(fromStreams.Analyses));
        Assert.Equal(10, a.SlicesAnalysed);
        Assert.Equal(a.Findings, b.Findings);
        var bright = a.Findings.Single(f => f.Id == "bright");
        Assert.Equal((9, 74 / 80d), (bright.MaxSliceIndex, Math.Round(bright.Score, 6))); // the last slice's square
    }

    [Fact]
    public async Task No_installed_model_means_not_analysed()
    {
        Directory.CreateDirectory(Folder("empty-models"));
        using var loader = new ModelLoader(new FolderModelStore(Folder("empty-models")), new TriageOptions());
        var result = await new TriageEngine(loader, new TriageOptions()).AnalyseAsync([.. Write(Folder("none"), [Constant(0), Constant(0), Constant(0)]).Select(TriageSource.FromFile)]);

        Assert.Equal(TriageResult.NotAnalysedStatus, result.Status);
        Assert.Equal("No triage model is installed.", result.Reason);
    }

    [Fact]
    public async Task The_result_round_trips_as_json_with_flagged_on_each_finding()
    {
        var result = await AnalyseAsync(Write(Folder("json"), [Constant(0), Square(0, 80, 0, 2, 0, 2), Constant(0)]));
        var json = System.Text.Encoding.UTF8.GetString(TriageResultJson.Serialize(result));

        Assert.Contains("\"flagged\": true", json, StringComparison.Ordinal);
        Assert.Contains("\"flagged\": false", json, StringComparison.Ordinal);
        var parsed = TriageResultJson.Parse(TriageResultJson.Serialize(result));
        Assert.Equal(result.Analyses[0].Findings, parsed.Analyses[0].Findings);
        Assert.True(parsed.Critical);
    }
}
