using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Telerad.Fhir.Tests.Server;

/// <summary>
/// The behaviour of the test FHIR server that delivery relies on, over plain HTTP: medplum's conditional create and
/// update, and what tools/fhir-server adds (all-or-nothing transactions, conditional references, fault injection).
/// </summary>
[Collection(OpenFhirServerCollection.Name)]
public sealed class FhirTestServerTests(OpenFhirServer server)
{
    private static readonly string System = "urn:test:" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Conditional_create_with_If_None_Exist_creates_once()
    {
        var value = NewValue();
        var first = await PostAsync("Patient", Patient(value), ("If-None-Exist", $"identifier={System}|{value}"));
        var second = await PostAsync("Patient", Patient(value), ("If-None-Exist", $"identifier={System}|{value}"));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Matches("^Patient/[^/]+/_history/[^/]+$", first.Location);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Body["id"]!.GetValue<string>(), second.Body["id"]!.GetValue<string>());
        Assert.Equal(1, (await server.SearchAsync("Patient", $"identifier={System}|{value}"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Conditional_update_creates_then_updates_the_same_resource()
    {
        var value = NewValue();
        var stats = await server.StatsAsync();
        var created = await SendAsync(HttpMethod.Put, $"Patient?identifier={System}|{value}", Patient(value, gender: "female"));
        var updated = await SendAsync(HttpMethod.Put, $"Patient?identifier={System}|{value}", Patient(value, gender: "male"));

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (created.Status, updated.Status));
        Assert.Equal(created.Body["id"]!.GetValue<string>(), updated.Body["id"]!.GetValue<string>());
        Assert.NotEqual(created.Body["meta"]!["versionId"]!.GetValue<string>(), updated.Body["meta"]!["versionId"]!.GetValue<string>());
        Assert.Equal(1, (await server.StatsAsync()).Updated("Patient") - stats.Updated("Patient"));
        var found = await server.SearchAsync("Patient", $"identifier={System}|{value}");
        Assert.Equal("male", found["entry"]![0]!["resource"]!["gender"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_conditional_reference_resolves_to_the_stored_resource()
    {
        var value = NewValue();
        var patient = await PostAsync("Patient", Patient(value));
        var bundle = Transaction(Entry("Observation", Observation($"Patient?identifier={System}|{value}")));

        var response = await PostAsync(string.Empty, bundle);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var observation = await server.ReadAsync(response.Body["entry"]![0]!["response"]!["location"]!.GetValue<string>());
        Assert.Equal($"Patient/{patient.Body["id"]!.GetValue<string>()}", observation["subject"]!["reference"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_conditional_reference_to_an_entry_of_the_same_transaction_resolves_to_it()
    {
        var value = NewValue();
        var patientEntry = Entry("Patient", Patient(value), ifNoneExist: $"identifier={System}|{value}", fullUrl: "urn:uuid:" + Guid.NewGuid());
        var bundle = Transaction(patientEntry, Entry("Observation", Observation($"Patient?identifier={System}|{value}")));

        var response = await PostAsync(string.Empty, bundle);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var patientLocation = response.Body["entry"]![0]!["response"]!["location"]!.GetValue<string>();
        var observation = await server.ReadAsync(response.Body["entry"]![1]!["response"]!["location"]!.GetValue<string>());
        Assert.StartsWith(observation["subject"]!["reference"]!.GetValue<string>() + "/_history/", patientLocation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unresolvable_conditional_reference_fails_the_whole_transaction()
    {
        var value = NewValue();
        var bundle = Transaction(
            Entry("Patient", Patient(value)),
            Entry("Observation", Observation($"Patient?identifier={System}|nobody-{value}")));

        var response = await PostAsync(string.Empty, bundle);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("OperationOutcome", response.Body["resourceType"]!.GetValue<string>());
        Assert.Equal(0, (await server.SearchAsync("Patient", $"identifier={System}|{value}"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_failing_entry_undoes_the_entries_before_it()
    {
        var value = NewValue();
        var bundle = Transaction(Entry("Patient", Patient(value)), Entry("Observation", Patient(NewValue())));

        var response = await PostAsync(string.Empty, bundle);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(0, (await server.SearchAsync("Patient", $"identifier={System}|{value}"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Injected_faults_answer_in_order_then_the_server_is_itself_again()
    {
        await server.InjectAsync(Fault.WithStatus(503, retryAfter: "3"), Fault.WithStatus(429, retryAfter: "Wed, 21 Oct 2026 07:28:00 GMT"));

        using var first = await server.Http.GetAsync(new Uri($"{server.FhirBase}/Patient?identifier=x|y"));
        using var second = await server.Http.GetAsync(new Uri($"{server.FhirBase}/Patient?identifier=x|y"));
        using var third = await server.Http.GetAsync(new Uri($"{server.FhirBase}/Patient?identifier=x|y"));

        Assert.Equal((HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(3)), (first.StatusCode, first.Headers.RetryAfter!.Delta!.Value));
        Assert.Equal((HttpStatusCode.TooManyRequests, new DateTimeOffset(2026, 10, 21, 7, 28, 0, TimeSpan.Zero)), (second.StatusCode, second.Headers.RetryAfter!.Date!.Value));
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task The_server_only_takes_FHIR_JSON()
    {
        using var content = new StringContent("<Patient/>", Encoding.UTF8, "application/fhir+xml");
        using var response = await server.Http.PostAsync(new Uri($"{server.FhirBase}/Patient"), content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public void A_missing_node_modules_fails_with_what_to_run()
    {
        var root = Directory.CreateTempSubdirectory("telerad-no-modules-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "tools", "fhir-server"));
            File.WriteAllText(Path.Combine(root, "tools", "fhir-server", "server.mjs"), "// stand-in");

            var e = Assert.Throws<InvalidOperationException>(() => FhirTestServer.ServerScript(root));

            Assert.Contains("npm ci", e.Message, StringComparison.Ordinal);
            Assert.Contains("@medplum", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string NewValue() => Guid.NewGuid().ToString("N")[..12];

    private static JsonObject Patient(string value, string? gender = null)
    {
        var patient = new JsonObject { ["resourceType"] = "Patient", ["identifier"] = new JsonArray(new JsonObject { ["system"] = System, ["value"] = value }) };
        if (gender is not null)
        {
            patient["gender"] = gender;
        }

        return patient;
    }

    private static JsonObject Observation(string subject) => new()
    {
        ["resourceType"] = "Observation",
        ["status"] = "final",
        ["code"] = new JsonObject { ["text"] = "critical finding" },
        ["subject"] = new JsonObject { ["reference"] = subject },
    };

    private static JsonObject Entry(string url, JsonObject resource, string? ifNoneExist = null, string? fullUrl = null)
    {
        var request = new JsonObject { ["method"] = "POST", ["url"] = url };
        if (ifNoneExist is not null)
        {
            request["ifNoneExist"] = ifNoneExist;
        }

        var entry = new JsonObject { ["resource"] = resource, ["request"] = request };
        if (fullUrl is not null)
        {
            entry["fullUrl"] = fullUrl;
        }

        return entry;
    }

    private static JsonObject Transaction(params JsonObject[] entries) =>
        new() { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = new JsonArray(entries.Select(e => (JsonNode)e).ToArray()) };

    private Task<(HttpStatusCode Status, JsonObject Body, string? Location)> PostAsync(string path, JsonObject body, params (string Name, string Value)[] headers) =>
        SendAsync(HttpMethod.Post, path, body, headers);

    private async Task<(HttpStatusCode Status, JsonObject Body, string? Location)> SendAsync(HttpMethod method, string path, JsonObject body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, new Uri(path.Length == 0 ? server.FhirBase.ToString() : $"{server.FhirBase}/{path}"))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/fhir+json"),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using var response = await server.Http.SendAsync(request);
        var json = await response.Content.ReadFromJsonAsync<JsonObject>() ?? [];
        return (response.StatusCode, json, response.Headers.Location?.ToString());
    }
}
