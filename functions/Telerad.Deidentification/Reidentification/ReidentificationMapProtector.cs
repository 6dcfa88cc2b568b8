using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Telerad.Deidentification;

/// <summary>
/// Encrypts a <see cref="ReidentificationEntry"/> with the tenant's map encryption key (AES-256-GCM,
/// NIST SP 800-38D): a fresh random 96-bit nonce per record, a 128-bit tag, and associated data that
/// binds the ciphertext to its tenant, its de-identified Study Instance UID, the key id and the format
/// version, so a record copied to another tenant or study, or read with another key, fails to open.
/// <para>
/// Record layout (format version 1), all of it stored:
/// <c>"TRID"</c> (4 bytes) | version (1 byte) | key id length n (1 byte) | key id (n ASCII bytes) |
/// nonce (12) | tag (16) | ciphertext of the UTF-8 JSON of the entry.
/// Associated data (not stored, rebuilt when opening): <c>"TRID"</c> | version | then tenant id,
/// de-identified study UID and key id, each as a 2-byte big-endian length and its UTF-8 bytes.
/// </para>
/// <para>
/// Key rotation: the record names the key id it was sealed with (<see cref="ReadMapKeyId"/>). To rotate,
/// open each record with the old keys and seal it again with the new ones (<see cref="Reprotect"/>),
/// then retire the old key. A record whose key id is not the current key's fails with a message saying so.
/// </para>
/// </summary>
public static class ReidentificationMapProtector
{
    public const byte FormatVersion = 1;

    private const int NonceLength = 12;
    private const int TagLength = 16;
    private static ReadOnlySpan<byte> Magic => "TRID"u8;

    /// <summary>Seals an entry with the map key of <paramref name="keys"/> (which must be the entry's tenant's).</summary>
    public static byte[] Protect(ReidentificationEntry entry, DeidentificationKeys keys)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(keys);
        if (!string.Equals(entry.TenantId, keys.TenantId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The keys belong to tenant '{keys.TenantId}', the entry to tenant '{entry.TenantId}'.", nameof(keys));
        }

        var keyId = Encoding.ASCII.GetBytes(keys.MapEncryptionKeyId);
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(entry, ReidentificationJsonContext.Default.ReidentificationEntry);
        try
        {
            var headerLength = Magic.Length + 2 + keyId.Length;
            var record = new byte[headerLength + NonceLength + TagLength + plaintext.Length];
            Magic.CopyTo(record);
            record[Magic.Length] = FormatVersion;
            record[Magic.Length + 1] = checked((byte)keyId.Length);
            keyId.CopyTo(record, Magic.Length + 2);

            var nonce = record.AsSpan(headerLength, NonceLength);
            var tag = record.AsSpan(headerLength + NonceLength, TagLength);
            var ciphertext = record.AsSpan(headerLength + NonceLength + TagLength);
            RandomNumberGenerator.Fill(nonce);

            using var aes = new AesGcm(keys.MapEncryptionKey, TagLength);
            aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(entry.TenantId, entry.DeidentifiedStudyInstanceUid, keys.MapEncryptionKeyId));
            return record;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// Opens a record of the given tenant and de-identified study with <paramref name="keys"/>.
    /// Throws <see cref="ReidentificationMapException"/> if the key, tenant or study is not the one it was
    /// sealed for, or if a byte was changed.
    /// </summary>
    public static ReidentificationEntry Unprotect(ReadOnlySpan<byte> record, DeidentificationKeys keys, string tenantId, string deidentifiedStudyInstanceUid)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(deidentifiedStudyInstanceUid);
        var what = $"The re-identification record of study '{deidentifiedStudyInstanceUid}' (tenant '{tenantId}')";

        var header = ReadHeader(record, what);
        if (!string.Equals(keys.TenantId, tenantId, StringComparison.Ordinal))
        {
            throw new ReidentificationMapException($"{what} cannot be opened with the keys of tenant '{keys.TenantId}'.");
        }

        if (!string.Equals(header.KeyId, keys.MapEncryptionKeyId, StringComparison.Ordinal))
        {
            throw new ReidentificationMapException(
                $"{what} was sealed with map key '{header.KeyId}', not with the given key '{keys.MapEncryptionKeyId}' (a rotation not finished, or the wrong key).");
        }

        var nonce = record.Slice(header.Length, NonceLength);
        var tag = record.Slice(header.Length + NonceLength, TagLength);
        var ciphertext = record[(header.Length + NonceLength + TagLength)..];
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using (var aes = new AesGcm(keys.MapEncryptionKey, TagLength))
            {
                try
                {
                    aes.Decrypt(nonce, ciphertext, tag, plaintext, AssociatedData(tenantId, deidentifiedStudyInstanceUid, header.KeyId));
                }
                catch (AuthenticationTagMismatchException e)
                {
                    throw new ReidentificationMapException(
                        $"{what} failed authentication: it was altered, belongs to another tenant or study, or the key is wrong.", e);
                }
            }

            ReidentificationEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize(plaintext, ReidentificationJsonContext.Default.ReidentificationEntry);
            }
            catch (JsonException)
            {
                // The inner exception is dropped on purpose: its message can quote decrypted bytes.
                throw new ReidentificationMapException($"{what} decrypted to something that is not a re-identification entry.");
            }

            // The associated data already binds tenant and study; this also catches a sealing bug.
            if (entry is null
                || !string.Equals(entry.TenantId, tenantId, StringComparison.Ordinal)
                || !string.Equals(entry.DeidentifiedStudyInstanceUid, deidentifiedStudyInstanceUid, StringComparison.Ordinal))
            {
                throw new ReidentificationMapException($"{what} holds the entry of another study or tenant.");
            }

            return entry;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The id of the map key a record was sealed with (for rotation: which key opens it).</summary>
    public static string ReadMapKeyId(ReadOnlySpan<byte> record) => ReadHeader(record, "The re-identification record").KeyId;

    /// <summary>Key rotation for one record: opens it with <paramref name="oldKeys"/>, seals it again with <paramref name="newKeys"/>.</summary>
    public static byte[] Reprotect(ReadOnlySpan<byte> record, DeidentificationKeys oldKeys, DeidentificationKeys newKeys, string tenantId, string deidentifiedStudyInstanceUid) =>
        Protect(Unprotect(record, oldKeys, tenantId, deidentifiedStudyInstanceUid), newKeys);

    private readonly record struct Header(int Length, string KeyId);

    private static Header ReadHeader(ReadOnlySpan<byte> record, string what)
    {
        if (record.Length < Magic.Length + 2 || !record.StartsWith(Magic))
        {
            throw new ReidentificationMapException($"{what} is not a Telerad re-identification record (bad header).");
        }

        var version = record[Magic.Length];
        if (version != FormatVersion)
        {
            throw new ReidentificationMapException($"{what} has format version {version}; this build reads version {FormatVersion}.");
        }

        var keyIdLength = record[Magic.Length + 1];
        var headerLength = Magic.Length + 2 + keyIdLength;
        if (keyIdLength == 0 || record.Length < headerLength + NonceLength + TagLength)
        {
            throw new ReidentificationMapException($"{what} is truncated.");
        }

        var keyIdBytes = record.Slice(Magic.Length + 2, keyIdLength);
        foreach (var b in keyIdBytes)
        {
            if (!char.IsAsciiHexDigit((char)b))
            {
                throw new ReidentificationMapException($"{what} has a malformed key id.");
            }
        }

        return new Header(headerLength, Encoding.ASCII.GetString(keyIdBytes));
    }

    private static byte[] AssociatedData(string tenantId, string deidentifiedStudyInstanceUid, string keyId)
    {
        var buffer = new List<byte>(Magic.Length + 1 + 6 + tenantId.Length + deidentifiedStudyInstanceUid.Length + keyId.Length);
        buffer.AddRange(Magic);
        buffer.Add(FormatVersion);
        Append(buffer, tenantId);
        Append(buffer, deidentifiedStudyInstanceUid);
        Append(buffer, keyId);
        return [.. buffer];

        static void Append(List<byte> buffer, string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            Span<byte> length = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, checked((ushort)bytes.Length));
            buffer.AddRange(length);
            buffer.AddRange(bytes);
        }
    }
}
