using System.Security.Cryptography;

namespace Telerad.Deidentification;

/// <summary>
/// A tenant's two secret keys: one keys the pseudonyms (UIDs, IDs, date shifts), the other encrypts the
/// re-identification map. They are separate so that whoever can compute pseudonyms cannot read the map.
/// In Azure both live in Key Vault; locally in a key file (<see cref="LocalKeyFile"/>).
/// </summary>
public sealed class DeidentificationKeys
{
    public const int KeyLength = 32;

    public DeidentificationKeys(string tenantId, ReadOnlySpan<byte> pseudonymKey, ReadOnlySpan<byte> mapEncryptionKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        if (pseudonymKey.Length != KeyLength || mapEncryptionKey.Length != KeyLength)
        {
            throw new ArgumentException($"Keys must be {KeyLength} bytes.");
        }

        if (pseudonymKey.SequenceEqual(mapEncryptionKey))
        {
            throw new ArgumentException("The pseudonym key and the map encryption key must differ.");
        }

        TenantId = tenantId;
        PseudonymKey = pseudonymKey.ToArray();
        MapEncryptionKey = mapEncryptionKey.ToArray();
        PseudonymKeyId = KeyIdOf(PseudonymKey);
        MapEncryptionKeyId = KeyIdOf(MapEncryptionKey);
    }

    public string TenantId { get; }

    /// <summary>A public fingerprint of the pseudonym key (first 8 bytes of its SHA-256), recorded for rotation.</summary>
    public string PseudonymKeyId { get; }

    public string MapEncryptionKeyId { get; }

    internal byte[] PseudonymKey { get; }

    internal byte[] MapEncryptionKey { get; }

    /// <summary>Fresh random keys (for a new tenant or a new key file).</summary>
    public static DeidentificationKeys Generate(string tenantId) =>
        new(tenantId, RandomNumberGenerator.GetBytes(KeyLength), RandomNumberGenerator.GetBytes(KeyLength));

    private static string KeyIdOf(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8));
}

/// <summary>Where a tenant's keys come from (Key Vault in Azure, a key file locally).</summary>
public interface IDeidentificationKeyProvider
{
    DeidentificationKeys GetKeys(string tenantId);
}
