using System.Diagnostics;
using System.Globalization;
using Telerad.Fhir.Auth;
using Telerad.Fhir.Delivery;
using Telerad.Fhir.Tests.Server;
using Xunit.Abstractions;

namespace Telerad.Fhir.Tests.Delivery;

/// <summary>
/// Measures delivery of a small transaction (Patient + DiagnosticReport, both conditional creates) to the local test
/// server, sequentially and 4 at a time, and prints requests/s and the median per delivery. The floor it asserts is
/// far below what this machine does, so only a collapse (a lost connection pool, a sleep in the happy path) fails it.
/// The numbers include the Node server, which handles one request at a time and searches its memory linearly for
/// each conditional create.
/// </summary>
[Collection(OpenFhirServerCollection.Name)]
public sealed class DeliveryThroughputTests(OpenFhirServer server, ITestOutputHelper output) : IDisposable
{
    private const int Deliveries = 200;
    private readonly HttpClient _http = new();
    private readonly AccessTokenProviders _tokens = new(new HttpClient(), new InMemorySecretStore(), TimeProvider.System);

    public void Dispose()
    {
        _http.Dispose();
        _tokens.Dispose();
    }

    [Fact]
    public async Task Small_transactions_are_delivered_at_a_sane_rate_sequentially_and_4_in_parallel()
    {
        await server.ResetAsync();
        var client = new FhirDeliveryClient(_http, _tokens);
        var endpoint = new FhirEndpoint("local-bench", server.FhirBase, NoAuthentication.Instance);
        var bundles = Enumerable.Range(0, 2 * Deliveries + 20).Select(_ =>
        {
            var (patient, report) = TestBundles.NewIds();
            return TestBundles.PatientAndReport(patient, report);
        }).ToArray();
        for (var i = 0; i < 20; i++)
        {
            Assert.IsType<Delivered>(await client.DeliverAsync(endpoint, bundles[i], "warm-up"));
        }

        var sequential = await MeasureAsync(client, endpoint, bundles.Skip(20).Take(Deliveries).ToArray(), parallelism: 1);
        var parallel = await MeasureAsync(client, endpoint, bundles.Skip(20 + Deliveries).ToArray(), parallelism: 4);

        output.WriteLine(Describe("sequential", sequential));
        output.WriteLine(Describe("4 in parallel", parallel));
        Assert.True(sequential.PerSecond > 20, Describe("sequential", sequential));
        Assert.True(parallel.PerSecond > 20, Describe("4 in parallel", parallel));
    }

    private static async Task<(double PerSecond, double MedianMs)> MeasureAsync(FhirDeliveryClient client, FhirEndpoint endpoint, Hl7.Fhir.Model.Bundle[] bundles, int parallelism)
    {
        var latencies = new double[bundles.Length];
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, parallelism).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bundles.Length)
            {
                var one = Stopwatch.StartNew();
                Assert.IsType<Delivered>(await client.DeliverAsync(endpoint, bundles[i], "bench"));
                latencies[i] = one.Elapsed.TotalMilliseconds;
            }
        }));
        total.Stop();
        Array.Sort(latencies);
        return (bundles.Length / total.Elapsed.TotalSeconds, latencies[latencies.Length / 2]);
    }

    private static string Describe(string mode, (double PerSecond, double MedianMs) result) =>
        string.Create(CultureInfo.InvariantCulture, $"{mode}: {Deliveries} deliveries, {result.PerSecond:F0} deliveries/s, median {result.MedianMs:F2} ms");
}
