using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Telerad.Deidentification;

/// <summary>
/// Deterministic, keyed replacements: every instance, invocation and machine with the same tenant key
/// computes the same values, so parts of one study de-identified in parallel agree, and references
/// between instances (Referenced SOP Instance UID, Frame of Reference UID ...) stay intact.
/// Each kind of value is hashed under its own label so that a UID and an ID with equal text never collide.
/// </summary>
internal sealed class KeyedMapper(byte[] key)
{
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>Study, series and frame-of-reference UIDs repeat in every instance of a series: remember recent ones.</summary>
    private const int UidCacheLimit = 4096;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _uidCache = new(StringComparer.Ordinal);

    /// <summary>"2.25." + the decimal of the first 128 bits of HMAC-SHA256(key, uid) (PS3.5 B.2 form).</summary>
    public string MapUid(string uid)
    {
        if (_uidCache.TryGetValue(uid, out var mapped))
        {
            return mapped;
        }

        Span<byte> hash = stackalloc byte[32];
        Hash("uid", uid, hash);
        var value = new UInt128(BinaryPrimitives.ReadUInt64BigEndian(hash), BinaryPrimitives.ReadUInt64BigEndian(hash[8..]));
        mapped = "2.25." + value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (_uidCache.Count >= UidCacheLimit)
        {
            _uidCache.Clear();
        }

        _uidCache[uid] = mapped;
        return mapped;
    }

    /// <summary>A patient pseudonym (LO, 64 max): "TR" + 24 base32 characters of the keyed hash of issuer and ID.</summary>
    public string PatientPseudonym(string? issuer, string patientId) => "TR" + Encode("patient-id", (issuer ?? string.Empty) + "\0" + patientId, 24);

    /// <summary>An accession pseudonym that fits SH (16 characters): "A" + 15 base32 characters.</summary>
    public string AccessionPseudonym(string accession) => "A" + Encode("accession", accession, 15);

    /// <summary>A short device/AE pseudonym (AE allows 16 characters): "D" + 15 base32 characters.</summary>
    public string DevicePseudonym(string value) => "D" + Encode("device", value, 15);

    /// <summary>The per-patient date shift in days: negative, uniform in [-max, -min].</summary>
    public int DateShiftDays(string? issuer, string patientKey, int minDays, int maxDays)
    {
        Span<byte> hash = stackalloc byte[32];
        Hash("date-shift", (issuer ?? string.Empty) + "\0" + patientKey, hash);
        var range = (ulong)(maxDays - minDays + 1);
        var draw = BinaryPrimitives.ReadUInt64BigEndian(hash) % range;
        return -(minDays + (int)draw);
    }

    private string Encode(string label, string value, int characters)
    {
        Span<byte> hash = stackalloc byte[32];
        Hash(label, value, hash);
        var sb = new StringBuilder(characters);
        var bits = 0;
        var buffer = 0;
        foreach (var b in hash)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5 && sb.Length < characters)
            {
                sb.Append(Base32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        return sb.ToString();
    }

    private void Hash(string label, string value, Span<byte> destination)
    {
        var input = Encoding.UTF8.GetBytes(label + "\0" + value);
        HMACSHA256.HashData(key, input, destination);
    }
}
