using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Telerad.Fhir.Auth;
using Telerad.Fhir.Delivery;
using Telerad.Fhir.Tests.Delivery;
using Telerad.Fhir.Tests.Server;

namespace Telerad.Fhir.Tests.Auth;

/// <summary>
/// Delivery to the test FHIR server started with --auth: tokens from its test authorization server, which verifies
/// SMART client assertions with Node's crypto (an implementation independent of the one that signs them here).
/// </summary>
[Collection(SecuredFhirServerCollection.Name)]
public sealed class AuthenticatedDeliveryTests(SecuredFhirServer server) : IAsyncLifetime, IDisposable
{
    private const string ReportId = "report-0002";
    private const string Scope = "system/Patient.write system/DiagnosticReport.write";
    private readonly HttpClient _http = new();
    private readonly InMemorySecretStore _secrets = new();
    private readonly string _clientId = "telerad-" + Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync() => server.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _http.Dispose();

    [Theory]
    [InlineData(ClientAssertionAlgorithm.RS384)]
    [InlineData(ClientAssertionAlgorithm.ES384)]
    public async Task Smart_backend_services_gets_a_token_with_a_signed_assertion_and_delivers(ClientAssertionAlgorithm algorithm)
    {
        var key = algorithm == ClientAssertionAlgorithm.RS384 ? TestKey.Rsa("key-1") : TestKey.EcP384("key-1");
        await RegisterSmartClientAsync(key);
        _secrets.Set("smart-signing-key", key.PrivateKeyPem);
        var endpoint = SmartEndpoint(algorithm);
        var (client, _, _, _) = NewClient();

        var delivered = Assert.IsType<Delivered>(await client.DeliverAsync(endpoint, NewBundle(), ReportId));

        Assert.All(delivered.Entries, e => Assert.Equal(201, e.StatusCode));
        var stats = await server.StatsAsync();
        Assert.Equal(1, stats.TokensIssued(_clientId));
        Assert.Equal(0, stats.Unauthorized);
        Assert.Equal("Bearer", (await server.RecentRequestsAsync())[^1]!["authorization"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_assertion_signed_with_another_key_is_refused_by_the_authorization_server()
    {
        await RegisterSmartClientAsync(TestKey.Rsa("key-1"));
        _secrets.Set("smart-signing-key", TestKey.Rsa("key-1").PrivateKeyPem); // same kid, different key: a forgery
        var (client, delay, _, authLog) = NewClient();

        var failure = Assert.IsType<PermanentFailure>(await client.DeliverAsync(SmartEndpoint(ClientAssertionAlgorithm.RS384), NewBundle(), ReportId));

        Assert.Equal((PermanentFailureReason.AuthenticationFailed, 400, 1), (failure.Reason, failure.StatusCode, failure.Attempts));
        Assert.Empty(delay.Delays);
        var stats = await server.StatsAsync();
        Assert.Equal("invalid_client: signature does not verify", stats.LastTokenRefusal);
        Assert.Equal(0, stats.TokensIssued(_clientId));
        Assert.Equal(0, stats.FhirRequests);
        Assert.Contains(authLog.Entries, e => e.EventId.Id == 7051 && e.Message.Contains("invalid_client", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_token_is_reused_until_shortly_before_it_expires_then_refreshed()
    {
        var key = TestKey.Rsa("key-1");
        await RegisterSmartClientAsync(key, tokenLifetimeSeconds: 300);
        _secrets.Set("smart-signing-key", key.PrivateKeyPem);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (client, _, _, _) = NewClient(time);
        var endpoint = SmartEndpoint(ClientAssertionAlgorithm.RS384);

        for (var i = 0; i < 3; i++)
        {
            Assert.IsType<Delivered>(await client.DeliverAsync(endpoint, NewBundle(), ReportId));
        }

        Assert.Equal(1, (await server.StatsAsync()).TokensIssued(_clientId));

        // 200 s into a 300 s token: still outside the 60 s refresh margin.
        await AdvanceBothClocksAsync(time, TimeSpan.FromSeconds(200));
        Assert.IsType<Delivered>(await client.DeliverAsync(endpoint, NewBundle(), ReportId));
        Assert.Equal(1, (await server.StatsAsync()).TokensIssued(_clientId));

        // 250 s: inside the margin, so a new token (and a new assertion, with a new jti) before the old one lapses.
        await AdvanceBothClocksAsync(time, TimeSpan.FromSeconds(50));
        Assert.IsType<Delivered>(await client.DeliverAsync(endpoint, NewBundle(), ReportId));
        var stats = await server.StatsAsync();
        Assert.Equal(2, stats.TokensIssued(_clientId));
        Assert.Equal(0, stats.Unauthorized);
    }

    [Fact]
    public async Task Parallel_deliveries_share_one_token_request()
    {
        var key = TestKey.EcP384("key-1");
        await RegisterSmartClientAsync(key);
        _secrets.Set("smart-signing-key", key.PrivateKeyPem);
        var (client, _, _, _) = NewClient();
        var endpoint = SmartEndpoint(ClientAssertionAlgorithm.ES384);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.DeliverAsync(endpoint, NewBundle(), ReportId)));

        Assert.All(results, r => Assert.IsType<Delivered>(r));
        Assert.Equal(1, (await server.StatsAsync()).TokensIssued(_clientId));
    }

    [Fact]
    public async Task A_401_gets_a_new_token_and_one_more_attempt()
    {
        var key = TestKey.Rsa("key-1");
        await RegisterSmartClientAsync(key);
        _secrets.Set("smart-signing-key", key.PrivateKeyPem);
        var (client, delay, log, _) = NewClient();
        var endpoint = SmartEndpoint(ClientAssertionAlgorithm.RS384);
        Assert.IsType<Delivered>(await client.DeliverAsync(endpoint, NewBundle(), ReportId));

        await server.RevokeAllTokensAsync(); // the cached token is now unknown to the server
        var delivered = Assert.IsType<Delivered>(await client.DeliverAsync(endpoint, NewBundle(), ReportId));

        Assert.Equal(2, delivered.Attempts);
        Assert.Empty(delay.Delays); // no backoff for a refused token
        var stats = await server.StatsAsync();
        Assert.Equal(2, stats.TokensIssued(_clientId));
        Assert.Equal(1, stats.Unauthorized);
        Assert.Contains(log.Entries, e => e.EventId.Id == 7002);
    }

    [Fact]
    public async Task A_token_refused_again_after_a_refresh_is_a_permanent_failure()
    {
        // A managed identity token the FHIR server does not accept (stand-in credential: Entra ID cannot run here).
        var credential = new StandInManagedIdentityCredential("not-known-to-the-server", DateTimeOffset.UtcNow.AddHours(1));
        var (client, delay, _, _) = NewClient(managedIdentity: credential);

        var failure = Assert.IsType<PermanentFailure>(await client.DeliverAsync(ManagedIdentityEndpoint(), NewBundle(), ReportId));

        Assert.Equal((PermanentFailureReason.Unauthorized, 401, 2), (failure.Reason, failure.StatusCode, failure.Attempts));
        Assert.Equal(Hl7.Fhir.Model.OperationOutcome.IssueType.Login, failure.Outcome!.Issue[0].Code);
        Assert.Equal(2, credential.Calls);
        Assert.Empty(delay.Delays);
        Assert.Equal(2, (await server.StatsAsync()).Unauthorized);
    }

    [Fact]
    public async Task Managed_identity_with_a_stand_in_credential_because_Entra_ID_cannot_run_here()
    {
        var token = "entra-stand-in-" + Guid.NewGuid().ToString("N");
        await server.AcceptTokenAsync(token, expiresInSeconds: 3600);
        var credential = new StandInManagedIdentityCredential(token, DateTimeOffset.UtcNow.AddHours(1));
        var (client, _, _, _) = NewClient(managedIdentity: credential);

        var delivered = Assert.IsType<Delivered>(await client.DeliverAsync(ManagedIdentityEndpoint(), NewBundle(), ReportId));
        Assert.IsType<Delivered>(await client.DeliverAsync(ManagedIdentityEndpoint(), NewBundle(), ReportId));

        Assert.Equal(2, delivered.Entries.Count);
        Assert.Equal(1, credential.Calls); // cached between deliveries
        Assert.Equal(["https://telerad-fhir.fhir.azurehealthcareapis.com/.default"], Assert.Single(credential.RequestedScopes));
    }

    [Fact]
    public async Task Client_credentials_with_a_secret_get_a_token_and_deliver()
    {
        const string Secret = "s3cret with spaces+plus:colon%";
        await server.RegisterClientAsync(new JsonObject { ["clientId"] = _clientId, ["secret"] = Secret, ["scope"] = Scope });
        _secrets.Set("ehr-client-secret", Secret);
        var (client, _, _, _) = NewClient();

        var delivered = Assert.IsType<Delivered>(await client.DeliverAsync(ClientCredentialsEndpoint(), NewBundle(), ReportId));

        Assert.Equal(2, delivered.Entries.Count);
        Assert.Equal(1, (await server.StatsAsync()).TokensIssued(_clientId));
    }

    [Fact]
    public async Task A_wrong_client_secret_is_a_permanent_authentication_failure()
    {
        await server.RegisterClientAsync(new JsonObject { ["clientId"] = _clientId, ["secret"] = "the-right-one", ["scope"] = Scope });
        _secrets.Set("ehr-client-secret", "a-wrong-one");
        var (client, _, _, authLog) = NewClient();

        var failure = Assert.IsType<PermanentFailure>(await client.DeliverAsync(ClientCredentialsEndpoint(), NewBundle(), ReportId));

        Assert.Equal((PermanentFailureReason.AuthenticationFailed, 401), (failure.Reason, failure.StatusCode));
        Assert.DoesNotContain("a-wrong-one", authLog.AllText, StringComparison.Ordinal);
        Assert.Equal(0, (await server.StatsAsync()).FhirRequests);
    }

    [Fact]
    public async Task A_scope_the_client_may_not_have_is_refused()
    {
        var key = TestKey.Rsa("key-1");
        await server.RegisterClientAsync(new JsonObject { ["clientId"] = _clientId, ["scope"] = "system/Observation.write", ["jwks"] = key.Jwks() });
        _secrets.Set("smart-signing-key", key.PrivateKeyPem);
        var (client, _, _, _) = NewClient();

        var failure = Assert.IsType<PermanentFailure>(await client.DeliverAsync(SmartEndpoint(ClientAssertionAlgorithm.RS384), NewBundle(), ReportId));

        Assert.Equal(PermanentFailureReason.AuthenticationFailed, failure.Reason);
        Assert.StartsWith("invalid_scope", (await server.StatsAsync()).LastTokenRefusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_endpoint_outage_is_retried()
    {
        var key = TestKey.Rsa("key-1");
        await RegisterSmartClientAsync(key);
        _secrets.Set("smart-signing-key", key.PrivateKeyPem);
        await server.InjectAsync(new Fault { Target = "token", Status = 503 });
        var (client, delay, log, _) = NewClient();

        var delivered = Assert.IsType<Delivered>(await client.DeliverAsync(SmartEndpoint(ClientAssertionAlgorithm.RS384), NewBundle(), ReportId));

        Assert.Equal(2, delivered.Attempts);
        Assert.Single(delay.Delays);
        Assert.Contains(log.Entries, e => e.EventId.Id == 7001 && e.Message.Contains("TokenUnavailable, HTTP 503", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_signing_key_fails_before_anything_is_sent()
    {
        await RegisterSmartClientAsync(TestKey.Rsa("key-1"));
        var (client, _, _, _) = NewClient(); // nothing under "smart-signing-key"

        var failure = Assert.IsType<PermanentFailure>(await client.DeliverAsync(SmartEndpoint(ClientAssertionAlgorithm.RS384), NewBundle(), ReportId));

        Assert.Equal((PermanentFailureReason.AuthenticationFailed, (int?)null, 1), (failure.Reason, failure.StatusCode, failure.Attempts));
        var stats = await server.StatsAsync();
        Assert.Equal((0, 0), (stats.FhirRequests, stats.TokenRequestsRefused));
    }

    [Fact]
    public async Task Without_a_token_the_secured_server_answers_401_and_nothing_is_retried()
    {
        var (client, _, _, _) = NewClient();
        var endpoint = new FhirEndpoint("secured-no-auth", server.FhirBase, NoAuthentication.Instance);

        var failure = Assert.IsType<PermanentFailure>(await client.DeliverAsync(endpoint, NewBundle(), ReportId));

        Assert.Equal((PermanentFailureReason.Unauthorized, 401, 1), (failure.Reason, failure.StatusCode, failure.Attempts));
    }

    private async Task RegisterSmartClientAsync(TestKey key, int tokenLifetimeSeconds = 300) =>
        await server.RegisterClientAsync(new JsonObject
        {
            ["clientId"] = _clientId,
            ["scope"] = Scope,
            ["jwks"] = key.Jwks(),
            ["tokenLifetimeSeconds"] = tokenLifetimeSeconds,
        });

    private async Task AdvanceBothClocksAsync(FakeTimeProvider time, TimeSpan by)
    {
        time.Advance(by);
        await server.AdvanceClockAsync(by);
    }

    private FhirEndpoint SmartEndpoint(ClientAssertionAlgorithm algorithm) =>
        new("smart-ehr", server.FhirBase, new SmartBackendServicesAuthentication(server.TokenUrl, _clientId, "key-1", "smart-signing-key", algorithm, Scope));

    private FhirEndpoint ClientCredentialsEndpoint() =>
        new("secret-ehr", server.FhirBase, new ClientCredentialsAuthentication(server.TokenUrl, _clientId, "ehr-client-secret", Scope));

    private FhirEndpoint ManagedIdentityEndpoint() =>
        new("azure-fhir", server.FhirBase, new ManagedIdentityAuthentication("https://telerad-fhir.fhir.azurehealthcareapis.com/.default"));

    private static Hl7.Fhir.Model.Bundle NewBundle()
    {
        var (patient, report) = TestBundles.NewIds();
        return TestBundles.PatientAndReport(patient, report);
    }

    private (FhirDeliveryClient Client, RecordingDelay Delay, CapturingLogger<FhirDeliveryClient> Log, CapturingLogger<AccessTokenProviders> AuthLog) NewClient(
        TimeProvider? time = null,
        StandInManagedIdentityCredential? managedIdentity = null)
    {
        time ??= new FakeTimeProvider(DateTimeOffset.UtcNow);
        var authLog = new CapturingLogger<AccessTokenProviders>();
        var tokens = new AccessTokenProviders(_http, _secrets, time, managedIdentity, authLog);
        var delay = new RecordingDelay(time as FakeTimeProvider);
        var log = new CapturingLogger<FhirDeliveryClient>();
        return (new FhirDeliveryClient(_http, tokens, new FhirDeliveryOptions(), time, delay, log, new Random(2)), delay, log, authLog);
    }
}
