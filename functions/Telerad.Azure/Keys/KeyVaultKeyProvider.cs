using System.Collections.Concurrent;
using Azure.Security.KeyVault.Secrets;
using Telerad.Deidentification;

namespace Telerad.Azure;

/// <summary>
/// Tenants' de-identification keys from Key Vault (managed identity, RBAC "Key Vault Secrets User"): secrets
/// <c>deid-{tenant}-pseudonym</c> and <c>deid-{tenant}-map</c>, each 32 random bytes in base64, created by the
/// tenant onboarding procedure (docs/deployment.md). Keys are cached for the process lifetime; rotation creates
/// new secret versions and restarts the app (the map's key ids say which records still need re-sealing).
/// </summary>
public sealed class KeyVaultKeyProvider(SecretClient secrets) : IDeidentificationKeyProvider
{
    private readonly ConcurrentDictionary<string, DeidentificationKeys> _cache = new(StringComparer.Ordinal);

    public static string PseudonymSecretName(string tenantId) => $"deid-{tenantId}-pseudonym";

    public static string MapSecretName(string tenantId) => $"deid-{tenantId}-map";

    public DeidentificationKeys GetKeys(string tenantId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        return _cache.GetOrAdd(tenantId, Load);
    }

    private DeidentificationKeys Load(string tenantId)
    {
        var pseudonym = Read(PseudonymSecretName(tenantId));
        var map = Read(MapSecretName(tenantId));
        return new DeidentificationKeys(tenantId, pseudonym, map);
    }

    private byte[] Read(string name)
    {
        KeyVaultSecret secret;
        try
        {
            secret = secrets.GetSecret(name, null, CancellationToken.None).Value;
        }
        catch (global::Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            throw new InvalidOperationException($"Key Vault has no secret '{name}': onboard the tenant first (docs/deployment.md).", ex);
        }

        try
        {
            var bytes = Convert.FromBase64String(secret.Value);
            return bytes.Length == DeidentificationKeys.KeyLength
                ? bytes
                : throw new InvalidOperationException($"Key Vault secret '{name}' must hold {DeidentificationKeys.KeyLength} bytes in base64, it holds {bytes.Length}.");
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"Key Vault secret '{name}' is not base64.", ex);
        }
    }
}
