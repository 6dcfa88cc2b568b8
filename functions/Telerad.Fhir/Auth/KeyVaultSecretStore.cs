using Azure;
using Azure.Security.KeyVault.Secrets;

namespace Telerad.Fhir.Auth;

/// <summary>
/// Secrets from Azure Key Vault: the reference is the secret's name, the latest version is read. No caching here:
/// a secret is read once per token refresh, far below Key Vault's throttling limits, and rotation takes effect at once.
/// </summary>
public sealed class KeyVaultSecretStore(SecretClient client) : ISecretStore
{
    public async Task<string> GetSecretAsync(string reference, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        try
        {
            var secret = await client.GetSecretAsync(reference, null, cancellationToken).ConfigureAwait(false);
            return secret.Value.Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new SecretNotFoundException($"Key Vault has no secret named '{reference}'.", e);
        }
    }
}
