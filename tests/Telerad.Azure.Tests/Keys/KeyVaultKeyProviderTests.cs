using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Telerad.Deidentification;

namespace Telerad.Azure.Tests;

/// <summary>
/// Key Vault cannot run here, so its SecretClient is replaced by a fake that serves secrets from a dictionary
/// (SecretClient's members are virtual for exactly this). The provider's naming, decoding and errors are real.
/// </summary>
public sealed class KeyVaultKeyProviderTests
{
    private sealed class FakeSecretClient(Dictionary<string, string> secrets) : SecretClient
    {
        public int Reads { get; private set; }

        public override Response<KeyVaultSecret> GetSecret(string name, string? version = null, CancellationToken cancellationToken = default)
        {
            Reads++;
            return secrets.TryGetValue(name, out var value)
                ? Response.FromValue(SecretModelFactory.KeyVaultSecret(SecretModelFactory.SecretProperties(name: name), value), new FakeResponse(200))
                : throw new RequestFailedException(404, "SecretNotFound");
        }
    }

    private sealed class FakeResponse(int status) : Response
    {
        public override int Status => status;

        public override string ReasonPhrase => string.Empty;

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = string.Empty;

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => false;

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = null;
            return false;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = null;
            return false;
        }
    }

    [Fact]
    public void Keys_are_read_from_the_tenants_secrets_once()
    {
        var pseudonym = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var map = Enumerable.Range(50, 32).Select(i => (byte)i).ToArray();
        var client = new FakeSecretClient(new()
        {
            [KeyVaultKeyProvider.PseudonymSecretName("hospital-a")] = Convert.ToBase64String(pseudonym),
            [KeyVaultKeyProvider.MapSecretName("hospital-a")] = Convert.ToBase64String(map),
        });
        var provider = new KeyVaultKeyProvider(client);
        var keys = provider.GetKeys("hospital-a");
        Assert.Equal(new DeidentificationKeys("hospital-a", pseudonym, map).PseudonymKeyId, keys.PseudonymKeyId);
        Assert.Same(keys, provider.GetKeys("hospital-a"));
        Assert.Equal(2, client.Reads);
    }

    [Fact]
    public void Missing_or_malformed_secrets_are_clear_errors_without_values()
    {
        var client = new FakeSecretClient(new() { [KeyVaultKeyProvider.PseudonymSecretName("t")] = "not base64!", [KeyVaultKeyProvider.MapSecretName("t")] = Convert.ToBase64String(new byte[32]) });
        var malformed = Assert.Throws<InvalidOperationException>(() => new KeyVaultKeyProvider(client).GetKeys("t"));
        Assert.Contains("not base64", malformed.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<InvalidOperationException>(() => new KeyVaultKeyProvider(new FakeSecretClient([])).GetKeys("t"));
        Assert.Contains("onboard the tenant", missing.Message, StringComparison.Ordinal);
    }
}
