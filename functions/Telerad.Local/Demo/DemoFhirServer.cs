using System.ComponentModel;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Telerad.Samples;

namespace Telerad.Local;

/// <summary>
/// The referrer's EHR of the demo: the test FHIR server of tools/fhir-server (a real FHIR R4 server, in memory, on a
/// free loopback port), started by `telerad demo` after Telerad.Local (which has installed the npm packages), seeded with
/// what a hospital's EHR already holds (each sample's Patient and its imaging order), and read back once the report
/// arrives. It exits with the demo (its standard input closes).
/// </summary>
internal sealed class DemoFhirServer : IAsyncDisposable
{
    public const string EndpointId = "demo-ehr";
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly HttpClient _http;

    private DemoFhirServer(Process process, Uri fhirBase)
    {
        _process = process;
        FhirBase = fhirBase;
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The FHIR base URL (http://127.0.0.1:PORT/fhir).</summary>
    public Uri FhirBase { get; }

    /// <summary>Starts the server from the repository's tools/fhir-server; <see cref="LocalStartException"/> says why not.</summary>
    public static async Task<DemoFhirServer> StartAsync(TextWriter messages, CancellationToken cancellationToken)
    {
        var root = AzuriteLocator.RepositoryRoot()
            ?? throw new LocalStartException("The demo's FHIR server (tools/fhir-server) was not found: run the demo from the Telerad repository.");
        var script = Path.Combine(root, "tools", "fhir-server", "server.mjs");
        var router = Path.Combine(root, "node_modules", "@medplum", "fhir-router", "package.json");
        if (!File.Exists(router))
        {
            await messages.WriteLineAsync($"The demo's FHIR server needs its npm packages: running `npm ci` in {root} (once, about 20 s) ...");
            await AzuriteLocator.RunNpmCiAsync(root, cancellationToken);
            if (!File.Exists(router))
            {
                throw new LocalStartException($"`npm ci` ran but {router} is still missing.");
            }
        }

        var info = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { script, "--port", "0", "--exit-with-stdin" })
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new LocalStartException("node did not start.");
        }
        catch (Win32Exception)
        {
            throw new LocalStartException("node is not installed: install Node.js (Debian: apt-get install nodejs npm).");
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StartLimit);
        _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                if (line.StartsWith("telerad-fhir-server ready", StringComparison.Ordinal))
                {
                    var fhir = line.Split(' ').First(p => p.StartsWith("fhir=", StringComparison.Ordinal))["fhir=".Length..];
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None); // keep the pipe drained
                    return new DemoFhirServer(process, new Uri(fhir));
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: reported below.
        }

        process.Kill(entireProcessTree: true);
        process.Dispose();
        throw new LocalStartException($"The demo's FHIR server did not start within {StartLimit.TotalSeconds:0} s.");
    }

    /// <summary>The endpoint configuration Telerad.Local reads (fhir-endpoints.json): this server, no authentication (loopback).</summary>
    public string EndpointConfiguration() => JsonSerializer.Serialize(new
    {
        endpoints = new[] { new { id = EndpointId, baseUrl = FhirBase.ToString(), auth = new { kind = "none" } } },
    });

    /// <summary>What the hospital's EHR holds before any report: each sample's Patient and its imaging order (by accession).</summary>
    public Task SeedAsync(IEnumerable<SampleStudyDescriptor> samples, string patientSystem, string accessionSystem, CancellationToken cancellationToken) =>
        SeedAsync(samples.Select(s => new EhrOrder(s.PatientId, s.AccessionNumber, s.Description)), patientSystem, accessionSystem, cancellationToken);

    /// <summary>Patients and, for those with an accession number, their imaging orders.</summary>
    public async Task SeedAsync(IEnumerable<EhrOrder> orders, string patientSystem, string accessionSystem, CancellationToken cancellationToken)
    {
        var entries = new JsonArray();
        var index = 0;
        foreach (var order in orders)
        {
            var patientUrn = $"urn:uuid:00000000-0000-4000-8000-{index++:D12}";
            entries.Add(Entry(patientUrn, "Patient", new JsonObject
            {
                ["resourceType"] = "Patient",
                ["identifier"] = new JsonArray(new JsonObject { ["system"] = patientSystem, ["value"] = order.PatientId }),
            }));
            if (order.AccessionNumber is null)
            {
                continue;
            }

            entries.Add(Entry($"urn:uuid:00000000-0000-4000-9000-{index:D12}", "ServiceRequest", new JsonObject
            {
                ["resourceType"] = "ServiceRequest",
                ["status"] = "active",
                ["intent"] = "order",
                ["identifier"] = new JsonArray(new JsonObject { ["system"] = accessionSystem, ["value"] = order.AccessionNumber }),
                ["subject"] = new JsonObject { ["reference"] = patientUrn },
                ["code"] = new JsonObject { ["text"] = order.OrderText },
            }));
        }

        var bundle = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries };
        using var content = new StringContent(bundle.ToJsonString(), System.Text.Encoding.UTF8, "application/fhir+json");
        using var response = await _http.PostAsync(FhirBase, content, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The DiagnosticReports on the server (the EHR's view), once there is at least one, or none after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForReportsAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = await SearchAsync("DiagnosticReport", cancellationToken);
            if (found.Count > 0 || DateTime.UtcNow > deadline)
            {
                return found;
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>Every resource of a type (the demo's server holds a handful).</summary>
    public async Task<IReadOnlyList<JsonElement>> SearchAsync(string type, CancellationToken cancellationToken)
    {
        using var answer = JsonDocument.Parse(await _http.GetStringAsync(new Uri(FhirBase, $"fhir/{type}?_count=100"), cancellationToken));
        return answer.RootElement.TryGetProperty("entry", out var entries)
            ? [.. entries.EnumerateArray().Select(e => e.GetProperty("resource").Clone())]
            : [];
    }

    /// <summary>One resource by its relative reference (Patient/123).</summary>
    public async Task<JsonElement?> ReadAsync(string reference, CancellationToken cancellationToken)
    {
        using var answer = await _http.GetAsync(new Uri(FhirBase, "fhir/" + reference), cancellationToken);
        return answer.IsSuccessStatusCode ? (await answer.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)) : null;
    }

    private static JsonObject Entry(string fullUrl, string type, JsonObject resource) => new()
    {
        ["fullUrl"] = fullUrl,
        ["resource"] = resource,
        ["request"] = new JsonObject { ["method"] = "POST", ["url"] = type },
    };

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            _process.StandardInput.Close(); // --exit-with-stdin: it leaves by itself
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}

/// <summary>What the EHR knows before a report: a patient by identifier and, optionally, the imaging order for them.</summary>
internal sealed record EhrOrder(string PatientId, string? AccessionNumber, string OrderText);
