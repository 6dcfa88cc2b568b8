using Azure.Security.KeyVault.Secrets;
using Telerad.Notifications;

namespace Telerad.Azure;

/// <summary>
/// The key that signs viewer, accept and decline links, from Key Vault secret <see cref="SecretName"/> (32 random bytes
/// in base64, created and rotated by <c>infra/scripts/rotate-link-key.sh</c>). The key id in each token is the secret
/// version's first 12 characters, so a token names the version it was signed with; the current and the previous
/// enabled version are accepted, so rotating does not break links already sent (they live hours, not days).
/// </summary>
public static class KeyVaultLinkSigningKeys
{
    public const string SecretName = "link-signing-key";
    public const int KeyLength = 32;

    public static LinkSigningKeys Load(SecretClient secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        KeyVaultSecret current;
        try
        {
            current = secrets.GetSecret(SecretName, null, CancellationToken.None).Value;
        }
        catch (global::Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            throw new InvalidOperationException($"Key Vault has no secret '{SecretName}': run infra/scripts/rotate-link-key.sh (docs/deployment.md).", ex);
        }

        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [KeyId(current)] = Decode(current) };
        var previous = secrets.GetPropertiesOfSecretVersions(SecretName, CancellationToken.None)
            .Where(p => p.Enabled == true && p.Version != current.Properties.Version && p.CreatedOn is not null)
            .OrderByDescending(p => p.CreatedOn)
            .FirstOrDefault();
        if (previous is not null)
        {
            var old = secrets.GetSecret(SecretName, previous.Version, CancellationToken.None).Value;
            keys.TryAdd(KeyId(old), Decode(old));
        }

        return new LinkSigningKeys(KeyId(current), keys);
    }

    private static string KeyId(KeyVaultSecret secret) => "kv" + secret.Properties.Version[..Math.Min(12, secret.Properties.Version.Length)];

    private static byte[] Decode(KeyVaultSecret secret)
    {
        try
        {
            var bytes = Convert.FromBase64String(secret.Value);
            return bytes.Length == KeyLength ? bytes : throw new InvalidOperationException($"Key Vault secret '{SecretName}' must hold {KeyLength} bytes in base64, it holds {bytes.Length}.");
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"Key Vault secret '{SecretName}' is not base64.", ex);
        }
    }
}
