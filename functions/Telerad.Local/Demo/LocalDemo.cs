using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Telerad.Deidentification;
using Telerad.Fhir;
using Telerad.Samples;
using Telerad.Upload;

namespace Telerad.Local;

/// <summary>
/// `telerad demo`, the README's first command: on a fresh machine, generates the sample studies, starts Telerad.Local
/// in this process, uploads the samples with the uploader, follows each study through the pipeline with the HTTP API
/// (uploaded → accepted → de-identified → triaged → summary, quarantined objects with their reasons) and prints the path with
/// timings. The samples' ground truth (study.json) stays out of the upload: it is not an image.
/// </summary>
public static class LocalDemo
{
    private const string Marker = ".telerad-demo";
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>0 when every study got its summary in time, 1 otherwise, 2 when the demo cannot start.</summary>
    public static async Task<int> RunAsync(DemoOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var clock = Stopwatch.StartNew();
        var data = Path.GetFullPath(options.DataDirectory);
        if (!PrepareFolder(data, output))
        {
            return 2;
        }

        await output.WriteLineAsync($"Telerad demo: the whole pipeline on this machine (everything in {data})");
        var samples = GenerateSamples(data);
        await Say(output, clock, "samples", FormattableString.Invariant(
            $"{samples.Count} synthetic studies (fake identifiers), {samples.Sum(s => s.Descriptor.Instances)} instances, {samples.Sum(s => s.Bytes) / 1e6:0.0} MB"));

        var local = new LocalOptions
        {
            DataDirectory = data,
            BlobPort = options.BlobPort,
            QueuePort = options.QueuePort,
            TablePort = options.TablePort,
            Urls = options.Urls,
            Tenants = [DemoOptions.Tenant],
            QuietPeriod = TimeSpan.FromSeconds(4), // the demo's uploads carry a manifest; the quiet period only ends the study
            KeyFile = Path.Combine(data, "deidentification-keys.json"),
            LogLevel = LogLevel.Warning,
        };

        LocalRuntime runtime;
        try
        {
            runtime = await LocalRuntime.StartAsync(local, output, cancellationToken);
        }
        catch (LocalStartException ex)
        {
            await output.WriteLineAsync($"telerad demo: {ex.Message}");
            return 2;
        }

        await using (runtime)
        {
            // A report follows in this demo: the offline FHIR validator loads the R4 specification now, alongside the
            // EHR's start and ingestion, instead of when the report is waiting for it (13-30 s on a busy 2-core machine).
            Task validatorWarmUp = Task.Run(() => FhirValidatorWarmUp.Run(runtime.Services.GetRequiredService<FhirBundleValidator>()), CancellationToken.None);
            await Say(output, clock, "started", FormattableString.Invariant(
                $"Telerad.Local: Azurite on 127.0.0.1:{options.BlobPort}-{options.TablePort}, the durable engine (task hub {LocalOptions.DefaultTaskHub}), the API on {runtime.ApiAddress}"));
            DemoFhirServer ehr;
            try
            {
                ehr = await StartEhrAsync(local, samples, output, cancellationToken);
            }
            catch (LocalStartException ex)
            {
                await output.WriteLineAsync($"telerad demo: {ex.Message}");
                return 2;
            }

            await using var ehrScope = ehr;
            await Say(output, clock, "EHR", $"the referrer's FHIR server (tools/fhir-server) on {ehr.FhirBase}, holding each sample's Patient and order; Telerad delivers reports to it ({Telerad.Workflow.ConfiguredFhirEndpoints.DocumentName})");
            var studies = Label(samples, runtime);

            var uploadStarted = clock.Elapsed;
            var receipt = await new StudyUploader(new Telerad.Azure.BlobObjectStore(runtime.Storage.CreateBlobServiceClient()))
                .UploadAsync(new UploadRequest { Path = Path.Combine(data, "samples"), Tenant = DemoOptions.Tenant }, null, cancellationToken);
            var uploaded = clock.Elapsed;
            await Say(output, clock, "uploaded", FormattableString.Invariant(
                $"{receipt.FilesUploaded} files, {receipt.BytesUploaded / 1e6:0.0} MB in {(uploaded - uploadStarted).TotalSeconds:0.0} s, upload {receipt.UploadId}, manifest {receipt.Manifest.ToString().ToLowerInvariant()} (last)"));
            if (!receipt.Succeeded)
            {
                await output.WriteLineAsync($"telerad demo: {receipt.FilesFailed} file(s) did not upload.");
                return 1;
            }

            using var api = new HttpClient { BaseAddress = runtime.ApiAddress };
            api.DefaultRequestHeaders.Add(DevIdentityHandler.HeaderName, DemoOptions.User);
            var (upload, complete) = await FollowAsync(api, receipt.UploadId, studies, clock, options.Timeout, output, cancellationToken);
            await PrintPathAsync(output, studies, upload, uploaded - uploadStarted, uploadStarted);
            await output.WriteLineAsync();
            await output.WriteLineAsync($"Ask the API yourself (run with --keep-running): curl -H '{DevIdentityHandler.HeaderName}: you' {runtime.ApiAddress}studies/{DemoOptions.Tenant}");
            await output.WriteLineAsync($"                                              curl -H '{DevIdentityHandler.HeaderName}: you' {runtime.ApiAddress}uploads/{DemoOptions.Tenant}/{receipt.UploadId}");
            if (!complete)
            {
                await output.WriteLineAsync(FormattableString.Invariant($"telerad demo: not every study was de-identified within {options.Timeout.TotalSeconds:0} s."));
            }
            else
            {
                // Each reading step may wait for what --timeout leaves (at least 30 s): a slow machine gets there late, not never.
                var left = options.Timeout - (clock.Elapsed - uploadStarted);
                var stepLimit = left > TimeSpan.FromSeconds(30) ? left : TimeSpan.FromSeconds(30);
                complete = await DemoReading.RunAsync(runtime.ApiAddress, ehr, studies.ToDictionary(s => s.StudyKey, s => s.Folder, StringComparer.Ordinal), output, stepLimit, cancellationToken);
            }

            await validatorWarmUp.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // a failure shows in the delivery
            if (options.KeepRunning)
            {
                await output.WriteLineAsync("Telerad.Local keeps running; Ctrl+C stops it.");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C: stop.
                }
            }

            return complete ? 0 : 1;
        }
    }

    /// <summary>A study of the demo: its folder (what it is), its pseudonymous key, what it should end with.</summary>
    private sealed class DemoStudy(string folder, string studyKey, int instances)
    {
        public string Folder { get; } = folder;

        public string StudyKey { get; } = studyKey;

        public int Instances { get; } = instances;

        public TimeSpan? Accepted { get; set; }

        public TimeSpan? Deidentified { get; set; }

        public TimeSpan? Summarized { get; set; }

        public StudyStatus? Status { get; set; }
    }

    /// <summary>
    /// The referrer's EHR: the test FHIR server, seeded with the samples' patients and orders under the identifier systems
    /// Telerad's delivery uses, and named in the configuration folder as the demo referrer's endpoint.
    /// </summary>
    private static async Task<DemoFhirServer> StartEhrAsync(LocalOptions local, IReadOnlyList<GeneratedSampleStudy> samples, TextWriter messages, CancellationToken cancellationToken)
    {
        var ehr = await DemoFhirServer.StartAsync(messages, cancellationToken);
        try
        {
            var identifiers = new Telerad.Workflow.FhirDeliveryDefaults();
            await ehr.SeedAsync(samples.Select(s => s.Descriptor), identifiers.PatientIdentifierSystem, identifiers.AccessionSystem, cancellationToken);
            var folder = Directory.CreateDirectory(local.EffectiveReadingConfigFolder).FullName;
            await File.WriteAllTextAsync(Path.Combine(folder, Telerad.Workflow.ConfiguredFhirEndpoints.DocumentName), ehr.EndpointConfiguration(), cancellationToken);
            return ehr;
        }
        catch
        {
            await ehr.DisposeAsync();
            throw;
        }
    }

    /// <summary>Empties the demo's folder, but only one it made itself (or an empty one).</summary>
    private static bool PrepareFolder(string data, TextWriter output)
    {
        if (Directory.Exists(data) && Directory.EnumerateFileSystemEntries(data).Any())
        {
            if (!File.Exists(Path.Combine(data, Marker)))
            {
                output.WriteLine($"telerad demo: {data} is not empty and is not a demo folder; give another with --data.");
                return false;
            }

            Directory.Delete(data, recursive: true);
        }

        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, Marker), "Made by `telerad demo`; emptied at the start of every demo run.\n");
        return true;
    }

    /// <summary>The sample studies, with their ground truth moved out of the folder that is uploaded.</summary>
    private static IReadOnlyList<GeneratedSampleStudy> GenerateSamples(string data)
    {
        var folder = Path.Combine(data, "samples");
        var studies = SampleStudyGenerator.Generate(folder);
        var truth = Directory.CreateDirectory(Path.Combine(data, "ground-truth")).FullName;
        foreach (var study in studies)
        {
            File.Move(Path.Combine(study.Directory, SampleStudyDescriptor.FileName), Path.Combine(truth, study.Descriptor.Folder + ".json"));
        }

        return studies;
    }

    /// <summary>Each sample's pseudonymous study key, computed with the runtime's own de-identifier for the tenant.</summary>
    private static List<DemoStudy> Label(IReadOnlyList<GeneratedSampleStudy> samples, LocalRuntime runtime)
    {
        var tenant = runtime.Services.GetRequiredService<ITenantDirectory>().Find(DemoOptions.Tenant)!;
        var deidentifier = runtime.Services.GetRequiredService<Func<TenantSettings, Deidentifier>>()(tenant);
        return [.. samples.Select(s => new DemoStudy(s.Descriptor.Folder, deidentifier.PseudonymousUid(s.Descriptor.StudyInstanceUid), s.Descriptor.Instances))];
    }

    /// <summary>Polls the API until every study has its summary (or the time is up), saying when each step completes.</summary>
    private static async Task<(UploadStatus? Upload, bool Complete)> FollowAsync(
        HttpClient api, string uploadId, List<DemoStudy> studies, Stopwatch clock, TimeSpan timeout, TextWriter output, CancellationToken cancellationToken)
    {
        var deadline = clock.Elapsed + timeout;
        UploadStatus? upload = null;
        while (true)
        {
            upload = await GetAsync<UploadStatus>(api, $"uploads/{DemoOptions.Tenant}/{uploadId}", cancellationToken) ?? upload;
            foreach (var study in studies)
            {
                var accepted = upload?.Studies.FirstOrDefault(s => s.StudyKey == study.StudyKey)?.AcceptedInstances ?? 0;
                if (study.Accepted is null && accepted >= study.Instances)
                {
                    study.Accepted = clock.Elapsed;
                    await Say(output, clock, "accepted", $"{study.Folder}: {accepted}/{study.Instances} instances validated and registered");
                }

                if (study.Summarized is not null)
                {
                    continue;
                }

                study.Status = await GetAsync<StudyStatus>(api, $"studies/{DemoOptions.Tenant}/{study.StudyKey}", cancellationToken) ?? study.Status;
                if (study.Status is not { } status)
                {
                    continue;
                }

                if (study.Deidentified is null && status.DeidentifiedInstances + Quarantined(status) >= study.Instances)
                {
                    study.Deidentified = clock.Elapsed;
                    await Say(output, clock, "de-identified", $"{study.Folder}: {status.DeidentifiedInstances} instances in deid/");
                }

                // Complete, not merely summarised: StudyAssembly also rewrites the summary after every batch, and ends
                // (Completed) only once the study has been quiet with nothing left to de-identify.
                if (status.Summary is not null && study.Deidentified is not null && status.Orchestration?.Status == "Completed")
                {
                    study.Summarized = clock.Elapsed;
                    await Say(output, clock, "summary", $"{study.Folder}: study complete: de-identified, triaged, summary.json written (the hand-off to reading)");
                }
            }

            if (studies.All(s => s.Summarized is not null) && upload is { Pending: 0 })
            {
                return (upload, true);
            }

            if (clock.Elapsed > deadline)
            {
                return (upload, false);
            }

            await Task.Delay(PollEvery, cancellationToken);
        }
    }

    private static async Task PrintPathAsync(TextWriter output, List<DemoStudy> studies, UploadStatus? upload, TimeSpan uploadTook, TimeSpan uploadStarted)
    {
        var c = CultureInfo.InvariantCulture;
        await output.WriteLineAsync();
        await output.WriteLineAsync("Each study's path through the pipeline (seconds after the upload started; study keys are pseudonymous):");
        await output.WriteLineAsync(string.Format(c, "  {0,-16} {1,-24} {2,12} {3,9} {4,14} {5,9}  {6}", "study", "key", "uploaded", "accepted", "de-identified", "complete", "workflow"));
        string At(TimeSpan? t) => t is { } v ? (v - uploadStarted).TotalSeconds.ToString("0.0", c) + " s" : "-";
        foreach (var study in studies)
        {
            var key = study.StudyKey.Length > 24 ? study.StudyKey[..23] + "…" : study.StudyKey;
            var summary = study.Status?.Summary;
            await output.WriteLineAsync(string.Format(
                c,
                "  {0,-16} {1,-24} {2,12} {3,9} {4,14} {5,9}  {6}",
                study.Folder,
                key,
                $"{study.Instances} @ {uploadTook.TotalSeconds.ToString("0.0", c)} s",
                At(study.Accepted),
                $"{study.Status?.DeidentifiedInstances ?? 0} @ {At(study.Deidentified)}",
                At(study.Summarized),
                study.Status?.Orchestration is { } o ? $"{o.Status} ({o.Progress})" : "-"));
            if (summary is { } s && s.TryGetProperty("modalities", out var modalities) && s.TryGetProperty("series", out var series))
            {
                await output.WriteLineAsync(string.Format(
                    c,
                    "  {0,-16} summary: modalities {1}, {2} series, {3} instances, {4} quarantined, body part {5}",
                    string.Empty,
                    string.Join('/', modalities.EnumerateArray().Select(m => m.GetString())),
                    series.GetArrayLength(),
                    s.TryGetProperty("instances", out var n) ? n.GetInt32() : 0,
                    Quarantined(study.Status!),
                    s.TryGetProperty("bodyPartExamined", out var body) && body.ValueKind == JsonValueKind.String ? body.GetString() : "-"));
                await output.WriteLineAsync(string.Format(c, "  {0,-16} triage: {1}", string.Empty, DescribeTriage(s)));
            }
        }

        if (upload is null)
        {
            return;
        }

        var refused = upload.Items.Where(i => i.Quarantine is not null).ToList();
        await output.WriteLineAsync();
        await output.WriteLineAsync($"Upload {upload.UploadId}: {upload.Objects} objects: {string.Join(", ", upload.Outcomes.Select(o => $"{o.Value} {o.Key}"))}.");
        await output.WriteLineAsync(refused.Count == 0 ? "Quarantined objects: none." : "Quarantined objects (copied to quarantine/ with reason.json; nothing deleted):");
        foreach (var item in refused)
        {
            await output.WriteLineAsync($"  {item.ObjectId}: {item.Quarantine!.Code}: {item.Quarantine.Message}");
        }
    }

    /// <summary>The summary's triage conclusion: analysed or not (and why), flagged findings, a priority upgrade.</summary>
    private static string DescribeTriage(JsonElement summary)
    {
        if (!summary.TryGetProperty("triage", out var triage) || triage.ValueKind != JsonValueKind.Object)
        {
            return "-";
        }

        var status = triage.TryGetProperty("status", out var st) ? st.GetString() : null;
        if (status != "analysed")
        {
            return $"not analysed ({(triage.TryGetProperty("reason", out var reason) ? reason.GetString() : "no reason given")})";
        }

        var flags = triage.TryGetProperty("flagged", out var flagged) && flagged.ValueKind == JsonValueKind.Array
            ? flagged.EnumerateArray().Select(f => string.Create(CultureInfo.InvariantCulture,
                $"{f.GetProperty("findingId").GetString()} {f.GetProperty("score").GetDouble():0.000} >= {f.GetProperty("threshold").GetDouble():0.000}{(f.GetProperty("critical").GetBoolean() ? " CRITICAL" : string.Empty)}")).ToList()
            : [];
        var upgrade = summary.TryGetProperty("priorityUpgrade", out var up) && up.ValueKind == JsonValueKind.Object ? $"; priority upgraded to {up.GetProperty("to").GetString()}" : string.Empty;
        return (flags.Count == 0 ? "analysed, nothing flagged" : "flagged " + string.Join(", ", flags)) + upgrade;
    }

    private static int Quarantined(StudyStatus status) =>
        status.Summary is { } s && s.TryGetProperty("quarantined", out var q) && q.ValueKind == JsonValueKind.Number ? q.GetInt32() : 0;

    private static async Task<T?> GetAsync<T>(HttpClient api, string path, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await api.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken) : null;
    }

    private static Task Say(TextWriter output, Stopwatch clock, string step, string what) =>
        output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:0.0} s] {step,-14} {what}"));
}
