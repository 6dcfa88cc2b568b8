using System.Text.RegularExpressions;
using Telerad.Fhir.Auth;
using Telerad.Fhir.Delivery;
using Telerad.Fhir.Tests.Server;
using Codes = Telerad.Fhir.Delivery.EndpointConfigurationErrorCodes;

namespace Telerad.Fhir.Tests.Delivery;

public sealed partial class FhirEndpointCatalogTests
{
    [Fact]
    public void The_example_in_the_docs_loads()
    {
        var docs = File.ReadAllText(Path.Combine(FhirTestServer.RepositoryRoot(), "docs", "results-delivery.md"));
        var json = JsonBlock().Match(docs).Groups[1].Value;

        var catalog = FhirEndpointCatalog.Parse(json);

        Assert.Equal(["st-marys-epic", "northside-cerner", "telerad-ahds", "local-test"], catalog.Endpoints.Select(e => e.EndpointId));
        var smart = Assert.IsType<SmartBackendServicesAuthentication>(catalog.Get("st-marys-epic").Authentication);
        Assert.Equal((ClientAssertionAlgorithm.RS384, "telerad-2026-01", "fhir-st-marys-signing-key"), (smart.Algorithm, smart.KeyId, smart.SigningKeyReference));
        Assert.Equal(new Uri("https://fhir.st-marys.example.org/oauth2/token"), smart.TokenUrl);
        var secret = Assert.IsType<ClientCredentialsAuthentication>(catalog.Get("northside-cerner").Authentication);
        Assert.Equal("fhir-northside-client-secret", secret.SecretReference);
        Assert.Equal("https://teleradws-results.fhir.azurehealthcareapis.com/.default", Assert.IsType<ManagedIdentityAuthentication>(catalog.Get("telerad-ahds").Authentication).Scope);
        Assert.Same(NoAuthentication.Instance, catalog.Get("local-test").Authentication);
        Assert.Contains("'elsewhere'", Assert.Throws<KeyNotFoundException>(() => catalog.Get("elsewhere")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_path_and_code()
    {
        const string Json = """
            {
              "endpoints": [
                { "id": "St Mary's", "baseUrl": "http://fhir.example.org/r4", "auth": { "kind": "none" } },
                { "id": "smart", "baseUrl": "https://fhir.example.org/r4",
                  "auth": { "kind": "smart-backend-services", "tokenUrl": "http://auth.example.org/token", "clientId": "c",
                            "keyId": "k", "signingKey": "-----BEGIN PRIVATE KEY----- MIIE", "algorithm": "HS256", "scope": "user/*.write" } },
                { "id": "secret", "baseUrl": "https://fhir.example.org/r4?tenant=1",
                  "auth": { "kind": "client-credentials", "tokenUrl": "https://auth.example.org/token", "clientId": "c", "scope": "x", "secrit": "s" } },
                { "id": "azure", "baseUrl": "https://ws.fhir.azurehealthcareapis.com", "auth": { "kind": "managed-identity", "scope": "https://ws.fhir.azurehealthcareapis.com" } },
                { "id": "smart", "baseUrl": "https://other.example.org", "auth": { "kind": "kerberos" }, "timeout": 3 }
              ]
            }
            """;

        var errors = Assert.Throws<FhirEndpointConfigurationException>(() => FhirEndpointCatalog.Parse(Json)).Errors;

        var found = errors.Select(e => (e.Path, e.Code)).ToHashSet();
        Assert.Contains(("$.endpoints[0].id", Codes.InvalidIdentifier), found);
        Assert.Contains(("$.endpoints[0].baseUrl", Codes.InsecureUrl), found);
        Assert.Contains(("$.endpoints[0].auth.kind", Codes.NotLoopback), found);
        Assert.Contains(("$.endpoints[1].auth.tokenUrl", Codes.InsecureUrl), found);
        Assert.Contains(("$.endpoints[1].auth.algorithm", Codes.InvalidValue), found);
        Assert.Contains(("$.endpoints[2].baseUrl", Codes.InvalidUrl), found);
        Assert.Contains(("$.endpoints[2].auth.secret", Codes.MissingField), found);
        Assert.Contains(("$.endpoints[2].auth.secrit", Codes.UnknownField), found);
        Assert.Contains(("$.endpoints[3].auth.scope", Codes.InvalidScope), found);
        Assert.Contains(("$.endpoints[4].auth.kind", Codes.UnknownKind), found);
        Assert.Contains(("$.endpoints[4].timeout", Codes.UnknownField), found);
        // The message lists them all for the operator, and never echoes a value that looks like a key.
        var message = new FhirEndpointConfigurationException(errors).Message;
        Assert.Contains("$.endpoints[3].auth.scope", message, StringComparison.Ordinal);
        Assert.DoesNotContain("MIIE", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Semantic_rules_apply_to_what_could_be_read()
    {
        const string Json = """
            { "endpoints": [
                { "id": "smart", "baseUrl": "https://fhir.example.org/r4",
                  "auth": { "kind": "smart-backend-services", "tokenUrl": "https://auth.example.org/token", "clientId": "c",
                            "keyId": "k", "signingKey": "-----BEGIN PRIVATE KEY----- MIIE", "algorithm": "ES384", "scope": "user/*.write" } },
                { "id": "smart", "baseUrl": "https://fhir.example.org/r4", "auth": { "kind": "none" } }
            ] }
            """;

        var errors = Assert.Throws<FhirEndpointConfigurationException>(() => FhirEndpointCatalog.Parse(Json)).Errors;

        Assert.Equal(
            [
                ("$.endpoints[0].auth.signingKey", Codes.InvalidSecretReference),
                ("$.endpoints[0].auth.scope", Codes.InvalidScope),
                ("$.endpoints[1].auth.kind", Codes.NotLoopback),
                ("$.endpoints[1].id", Codes.DuplicateId),
            ],
            errors.Select(e => (e.Path, e.Code)));
    }

    [Theory]
    [InlineData("{", Codes.InvalidJson, "$")]
    [InlineData("[]", Codes.WrongType, "$")]
    [InlineData("{}", Codes.MissingField, "$.endpoints")]
    [InlineData("""{"endpoints": {}}""", Codes.WrongType, "$.endpoints")]
    [InlineData("""{"endpoints": [{"id": "a", "baseUrl": "not a url", "auth": {"kind": "none"}}]}""", Codes.InvalidUrl, "$.endpoints[0].baseUrl")]
    [InlineData("""{"endpoints": [{"id": "a", "baseUrl": "ftp://127.0.0.1/fhir", "auth": {"kind": "none"}}]}""", Codes.InvalidUrl, "$.endpoints[0].baseUrl")]
    [InlineData("""{"endpoints": [{"id": "a", "baseUrl": "https://x.example/fhir", "auth": {"kind": 3}}]}""", Codes.WrongType, "$.endpoints[0].auth.kind")]
    public void Broken_documents_are_reported_not_thrown_at_random(string json, string code, string path)
    {
        var error = Assert.Single(Assert.Throws<FhirEndpointConfigurationException>(() => FhirEndpointCatalog.Parse(json)).Errors);
        Assert.Equal((path, code), (error.Path, error.Code));
    }

    [Fact]
    public void Endpoints_built_in_code_meet_the_same_rules()
    {
        var good = new FhirEndpoint("local", new Uri("http://localhost:8080/fhir"), NoAuthentication.Instance);
        var bad = new FhirEndpoint("remote", new Uri("https://ehr.example.org/fhir"), new ClientCredentialsAuthentication(new Uri("https://ehr.example.org/token"), " ", "a secret!", ""));

        Assert.Single(FhirEndpointCatalog.Create([good]).Endpoints);
        var errors = Assert.Throws<FhirEndpointConfigurationException>(() => FhirEndpointCatalog.Create([good, bad])).Errors;
        Assert.Equal(
            [Codes.MissingField, Codes.InvalidSecretReference, Codes.InvalidScope],
            errors.Select(e => e.Code));
        Assert.All(errors, e => Assert.StartsWith("$.endpoints[1].auth.", e.Path, StringComparison.Ordinal));
    }

    [GeneratedRegex("```json\\n(.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
