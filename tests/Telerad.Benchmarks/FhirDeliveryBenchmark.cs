using System.Diagnostics;
using System.Globalization;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;
using Telerad.Fhir;
using Telerad.Fhir.Auth;
using Telerad.Fhir.Delivery;

namespace Telerad.Benchmarks;

/// <summary>
/// Issue 7's figure: build + validate + send per report against the local test FHIR server (tools/fhir-server), the
/// median per report and reports/s, sequential and with N concurrent deliveries (as N activities would run). Baseline in
/// the same run: sending the same, already serialised bundles without building or validating ("send only"), so the
/// ratio shows what mapping and validation add to the network and server's share.
/// usage: fhir [REPORTS=300] [CONCURRENCY=4]
/// </summary>
internal static class FhirDeliveryBenchmark
{
    private const string PatientSystem = "urn:oid:1.2.840.99.1";

    public static async Task<int> RunAsync(string[] args)
    {
        var reports = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
        // The demo's EHR: tools/fhir-server on a free port, holding the patients MRN-0 ... MRN-39 the reports are about.
        await using var server = await Telerad.Local.DemoFhirServer.StartAsync(Console.Out, CancellationToken.None);
        await server.SeedAsync(Enumerable.Range(0, 40).Select(i => new Telerad.Local.EhrOrder($"MRN-{i}", null, string.Empty)), PatientSystem, "urn:unused", CancellationToken.None);
        using var http = new HttpClient();
        using var tokens = new AccessTokenProviders(http, new InMemorySecretStore(), TimeProvider.System);
        var sender = new CatalogFhirBundleSender(
            FhirEndpointCatalog.Create([new FhirEndpoint("ehr", server.FhirBase, NoAuthentication.Instance)]),
            new FhirDeliveryClient(http, tokens, new FhirDeliveryOptions()));
        var client = new FhirDeliveryClient(http, tokens, new FhirDeliveryOptions());
        var endpoint = new FhirEndpoint("ehr", server.FhirBase, NoAuthentication.Instance);

        var load = Stopwatch.StartNew();
        var validator = new FhirBundleValidator();
        validator.Errors(ReportBundleBuilder.Build(Report(0, "warm-up"))); // compiles the profiles (seconds, once per process)
        Console.WriteLine($"validator loaded and warmed up in {load.Elapsed.TotalSeconds:0.0} s");

        // Warm-up of the whole path (JIT, connections).
        for (var i = 0; i < 20; i++)
        {
            await DeliverAsync(sender, validator, Report(i, "warm"));
        }

        Console.WriteLine($"{reports} reports each (final, critical, AI triage: 9 resources per bundle), FHIR server in Node on this machine, {Environment.ProcessorCount} cores");
        Console.WriteLine("mode                          median ms   p95 ms   reports/s   build ms  validate ms  send ms");
        for (var round = 0; round < 2; round++)
        {
            // Taking turns (send-only, then end-to-end), twice: the machine's noise hits both.
            var json = Enumerable.Range(0, reports).Select(i => new FhirJsonSerializer().SerializeToString(ReportBundleBuilder.Build(Report(i, $"s{round}")))).ToArray();
            await MeasureAsync("send only, sequential", reports, 1, async i => (0, 0, await TimeAsync(() => client.DeliverAsync(endpoint, json[i], "bench"))));
            await MeasureAsync("build+validate+send, seq.", reports, 1, i => DeliverAsync(sender, validator, Report(i, $"e{round}")));
            var jsonParallel = Enumerable.Range(0, reports).Select(i => new FhirJsonSerializer().SerializeToString(ReportBundleBuilder.Build(Report(i, $"p{round}")))).ToArray();
            await MeasureAsync($"send only, {concurrency} at a time", reports, concurrency, async i => (0, 0, await TimeAsync(() => client.DeliverAsync(endpoint, jsonParallel[i], "bench"))));
            await MeasureAsync($"build+validate+send, {concurrency} at a time", reports, concurrency, i => DeliverAsync(sender, validator, Report(i, $"q{round}")));
        }

        return 0;
    }

    private static async Task<(double Build, double Validate, double Send)> DeliverAsync(CatalogFhirBundleSender sender, FhirBundleValidator validator, ReportForDelivery report)
    {
        var watch = Stopwatch.StartNew();
        var bundle = ReportBundleBuilder.Build(report);
        var build = watch.Elapsed.TotalMilliseconds;
        var errors = validator.Errors(bundle);
        var validate = watch.Elapsed.TotalMilliseconds - build;
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"invalid bundle: {errors[0].Location} {errors[0].Message}");
        }

        var outcome = await sender.SendAsync("ehr", bundle);
        if (outcome.Status != FhirSendOutcome.Delivered)
        {
            throw new InvalidOperationException($"not delivered: {outcome.Status} {outcome.HttpStatus} {outcome.Code}");
        }

        return (build, validate, watch.Elapsed.TotalMilliseconds - build - validate);
    }

    private static async Task<double> TimeAsync(Func<Task<DeliveryResult>> send)
    {
        var watch = Stopwatch.StartNew();
        if (await send() is not Delivered)
        {
            throw new InvalidOperationException("not delivered");
        }

        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task MeasureAsync(string mode, int count, int concurrency, Func<int, Task<(double Build, double Validate, double Send)>> one)
    {
        var results = new (double Total, double Build, double Validate, double Send)[count];
        var next = -1;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var watch = Stopwatch.StartNew();
                var (build, validate, send) = await one(i);
                results[i] = (watch.Elapsed.TotalMilliseconds, build, validate, send);
            }
        })));
        var seconds = wall.Elapsed.TotalSeconds;
        static double Median(IEnumerable<double> values) => Percentile(values, 0.5);
        static double Percentile(IEnumerable<double> values, double p)
        {
            var sorted = values.Order().ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{mode,-29} {Median(results.Select(r => r.Total)),9:0.00} {Percentile(results.Select(r => r.Total), 0.95),8:0.00} {count / seconds,11:0.0} {Median(results.Select(r => r.Build)),10:0.00} {Median(results.Select(r => r.Validate)),12:0.00} {Median(results.Select(r => r.Send)),8:0.00}"));
    }

    /// <summary>A final, critical report with AI triage (the largest bundle Telerad sends) for patient <paramref name="index"/>.</summary>
    private static ReportForDelivery Report(int index, string run) => new()
    {
        Tenant = "bench",
        ReportId = $"{run}-{index.ToString(CultureInfo.InvariantCulture)}",
        Kind = ReportKinds.Final,
        Findings = "Hyperdense focus in the right frontal lobe with mild surrounding oedema; no midline shift.",
        Impression = "Acute intraparenchymal haemorrhage.",
        Critical = true,
        Severity = "red",
        CriticalDescription = "Acute intracranial haemorrhage",
        Radiologist = new ReportingRadiologist("rad-neuro", "Dr. Neuro One", "1234567893", null, null),
        Issued = DateTimeOffset.UtcNow,
        Patient = new PatientIdentity($"MRN-{index % 40}", PatientSystem),
        OriginalStudyInstanceUid = $"1.2.840.99.3.{index.ToString(CultureInfo.InvariantCulture)}",
        Modalities = ["CT"],
        NumberOfSeries = 1,
        NumberOfInstances = 40,
        Ai = new AiTriageForDelivery("intracranial-hyperdensity", "1", [new AiFindingForDelivery("intracranial-hyperdensity", 0.998, 0.95, true)]),
    };
}
