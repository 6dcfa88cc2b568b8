using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Telerad.Dicom.Tests;
using Telerad.Fhir;
using Telerad.Fhir.Auth;
using Telerad.Fhir.Delivery;
using Telerad.Reading.Configuration;
using Task = System.Threading.Tasks.Task;

namespace Telerad.Workflow.Tests;

/// <summary>
/// The hosts' endpoint catalog: fhir-endpoints.json beside the reading configuration, validated, reloaded, the last good
/// one kept when operations break it; and what the sender answers when an endpoint is missing or the file is broken
/// (permanent: the report is kept and operations alerted). No report is sent here (the client is never reached).
/// </summary>
public sealed class ConfiguredFhirEndpointsTests : IDisposable
{
    private const string Good = """{ "endpoints": [ { "id": "ehr-a", "baseUrl": "http://127.0.0.1:9/fhir", "auth": { "kind": "none" } } ] }""";
    private const string Broken = """{ "endpoints": [ { "id": "ehr-a", "baseUrl": "http://ehr.example.org/fhir", "auth": { "kind": "none" } } ] }""";

    private readonly string _folder = TestData.NewScratchDirectory("fhir-endpoints");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-28T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ConfiguredFhirEndpoints _endpoints;
    private readonly HttpClient _http = new();
    private readonly AccessTokenProviders _tokens;

    public ConfiguredFhirEndpointsTests()
    {
        _endpoints = new ConfiguredFhirEndpoints(new FolderReadingConfigurationStore(_folder), _clock, NullLogger<ConfiguredFhirEndpoints>.Instance);
        _tokens = new AccessTokenProviders(_http, new InMemorySecretStore(), _clock);
    }

    private void Write(string json) => File.WriteAllText(Path.Combine(_folder, ConfiguredFhirEndpoints.DocumentName), json);

    private CatalogFhirBundleSender Sender() => new(_endpoints, new FhirDeliveryClient(_http, _tokens, time: _clock));

    private static Bundle Transaction() => new() { Type = Bundle.BundleType.Transaction };

    [Fact]
    public async Task No_document_means_no_endpoints_and_a_permanent_endpoint_not_configured()
    {
        Assert.Empty((await _endpoints.GetAsync()).Endpoints);
        var outcome = await Sender().SendAsync("ehr-a", Transaction());
        Assert.Equal((FhirSendOutcome.Permanent, CatalogFhirBundleSender.EndpointNotConfigured), (outcome.Status, outcome.Code));
    }

    [Fact]
    public async Task The_document_is_read_and_a_change_is_seen_after_the_reload_interval()
    {
        Write("""{ "endpoints": [] }""");
        Assert.Empty((await _endpoints.GetAsync()).Endpoints);
        Write(Good);
        Assert.Empty((await _endpoints.GetAsync()).Endpoints); // still cached
        _clock.Advance(_endpoints.ReloadInterval);
        Assert.Equal("ehr-a", Assert.Single((await _endpoints.GetAsync()).Endpoints).EndpointId);
    }

    [Fact]
    public async Task A_broken_document_keeps_the_last_good_catalog()
    {
        Write(Good);
        Assert.Single((await _endpoints.GetAsync()).Endpoints);
        Write(Broken);
        _clock.Advance(_endpoints.ReloadInterval);
        Assert.Equal(new Uri("http://127.0.0.1:9/fhir"), Assert.Single((await _endpoints.GetAsync()).Endpoints).BaseUrl);
    }

    [Fact]
    public async Task A_broken_document_with_no_good_one_before_is_permanent_with_the_problem_codes()
    {
        Write(Broken); // http to another machine, and no authentication off loopback
        var outcome = await Sender().SendAsync("ehr-a", Transaction());
        Assert.Equal((FhirSendOutcome.Permanent, CatalogFhirBundleSender.EndpointConfigurationInvalid), (outcome.Status, outcome.Code));
        Assert.Contains(outcome.IssueCodes, c => c.Contains(EndpointConfigurationErrorCodes.InsecureUrl, StringComparison.Ordinal));
        Assert.Contains(outcome.IssueCodes, c => c.Contains(EndpointConfigurationErrorCodes.NotLoopback, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _endpoints.Dispose();
        _tokens.Dispose();
        _http.Dispose();
    }
}
