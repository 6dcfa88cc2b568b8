using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Telerad.Samples;

/// <summary>
/// UIDs of the form 2.25.&lt;UUID as a decimal integer&gt; (PS3.5 B.2). The UUID is a name-based RFC 9562
/// version 8 UUID: the first 128 bits of SHA-256 over the seed and the UID's purpose, with the version
/// and variant bits set. The same seed always gives the same UIDs; different seeds or purposes do not collide.
/// </summary>
internal static class SampleUids
{
    public static string Create(long seed, string purpose)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(FormattableString.Invariant($"telerad-samples-uid/{seed}/{purpose}")), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8 (custom)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // variant 10 (RFC 9562)
        var value = BinaryPrimitives.ReadUInt128BigEndian(hash[..16]);
        return "2.25." + value.ToString(CultureInfo.InvariantCulture);
    }
}
