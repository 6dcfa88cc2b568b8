using System.Security.Cryptography;
using System.Text;

namespace Telerad.Storage;

/// <summary>Safe ways to mention an object in messages and logs.</summary>
public static class ObjectNames
{
    /// <summary>
    /// "container 'incoming', object #3f2a…" : the container and the first 16 hex digits of the SHA-256 of the
    /// object name. Object names under <c>incoming/</c> include hospital-chosen paths, which may carry patient
    /// data, so messages never contain them; the hash lets an operator match a message to an object they can see.
    /// </summary>
    public static string Describe(ObjectRef reference) =>
        $"container '{reference.Container}', object #{NameHash(reference.Name)}";

    /// <summary>The first 16 lowercase hex digits of SHA-256(UTF-8 name).</summary>
    public static string NameHash(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        return Convert.ToHexStringLower(hash[..8]);
    }
}
