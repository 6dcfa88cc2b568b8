using Azure;
using Azure.Security.KeyVault.Secrets;
using Telerad.Fhir.Auth;

namespace Telerad.Fhir.Tests.Auth;

public sealed class SecretStoreTests
{
    [Fact]
    public async Task The_in_memory_store_returns_what_was_set_and_names_what_is_missing()
    {
        var store = new InMemorySecretStore().Set("ehr-secret", "value-1");

        Assert.Equal("value-1", await store.GetSecretAsync("ehr-secret", default));
        var missing = await Assert.ThrowsAsync<SecretNotFoundException>(() => store.GetSecretAsync("other", default));
        Assert.Contains("'other'", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_Vault_store_reads_the_latest_secret_value_with_Key_Vault_mocked_because_it_cannot_run_here()
    {
        var client = new StubSecretClient(new Dictionary<string, string> { ["ehr-signing-key"] = "-----BEGIN PRIVATE KEY-----..." });
        var store = new KeyVaultSecretStore(client);

        Assert.Equal("-----BEGIN PRIVATE KEY-----...", await store.GetSecretAsync("ehr-signing-key", default));
        await Assert.ThrowsAsync<SecretNotFoundException>(() => store.GetSecretAsync("absent", default));
        Assert.Equal(["ehr-signing-key", "absent"], client.Requested);
    }

    /// <summary>SecretClient's members are virtual for this purpose; SecretModelFactory builds its results.</summary>
    private sealed class StubSecretClient(Dictionary<string, string> secrets) : SecretClient
    {
        public List<string> Requested { get; } = [];

        public override Task<Response<KeyVaultSecret>> GetSecretAsync(string name, string? version = null, CancellationToken cancellationToken = default)
        {
            Requested.Add(name);
            if (!secrets.TryGetValue(name, out var value))
            {
                throw new RequestFailedException(404, "SecretNotFound");
            }

            return Task.FromResult(Response.FromValue(SecretModelFactory.KeyVaultSecret(SecretModelFactory.SecretProperties(name: name), value), new StubResponse()));
        }
    }

    private sealed class StubResponse : Response
    {
        public override int Status => 200;

        public override string ReasonPhrase => "OK";

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = string.Empty;

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => false;

        protected override IEnumerable<Azure.Core.HttpHeader> EnumerateHeaders() => [];

        protected override bool TryGetHeader(string name, out string value)
        {
            value = string.Empty;
            return false;
        }

        protected override bool TryGetHeaderValues(string name, out IEnumerable<string> values)
        {
            values = [];
            return false;
        }
    }
}
