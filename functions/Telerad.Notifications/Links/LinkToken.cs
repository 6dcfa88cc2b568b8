using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telerad.Notifications;

/// <summary>What a link allows: viewing a study, accepting or declining its assignment, acknowledging a critical result.</summary>
public static class LinkActions
{
    public const string View = "view";
    public const string Accept = "accept";
    public const string Decline = "decline";

    /// <summary>Acknowledging receipt of a critical result; the token's <see cref="LinkClaims.Subject"/> is the report id.</summary>
    public const string Acknowledge = "acknowledge";
}

/// <summary>
/// What a token grants: one action on one study, to one person, until it expires. <see cref="RadiologistId"/> is the
/// person the link was issued to (a radiologist, or for <see cref="LinkActions.Acknowledge"/> a critical-result
/// recipient); <see cref="Subject"/> narrows the action to one thing within the study (the report of a critical result).
/// </summary>
public sealed record LinkClaims(string Tenant, string StudyKey, string RadiologistId, string Action, DateTimeOffset ExpiresUtc, string? Subject = null);

/// <summary>A token that was refused, and why (a stable code for the audit trail, a message for the person).</summary>
public sealed class LinkTokenException(string code, string message) : Exception(message)
{
    public const string Malformed = "malformed";
    public const string BadSignature = "bad-signature";
    public const string UnknownKey = "unknown-key";
    public const string Expired = "expired";
    public const string WrongRadiologist = "wrong-radiologist";
    public const string WrongStudy = "wrong-study";
    public const string WrongAction = "wrong-action";
    public const string WrongSubject = "wrong-subject";

    public string Code { get; } = code;
}

/// <summary>The link-signing keys: the current one signs; it and the previous ones (during a rotation) verify.</summary>
public sealed class LinkSigningKeys
{
    private readonly Dictionary<string, byte[]> _keys;

    public LinkSigningKeys(string currentKeyId, IReadOnlyDictionary<string, byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!keys.TryGetValue(currentKeyId, out var current) || current.Length < 32)
        {
            throw new ArgumentException("The current link-signing key must be present and hold at least 256 bits.", nameof(keys));
        }

        if (keys.Keys.Any(id => id.Length is 0 or > 32 || id.Contains('.', StringComparison.Ordinal)))
        {
            throw new ArgumentException("Key ids are 1-32 characters without '.'.", nameof(keys));
        }

        CurrentKeyId = currentKeyId;
        _keys = keys.ToDictionary(k => k.Key, k => k.Value.ToArray(), StringComparer.Ordinal);
    }

    public string CurrentKeyId { get; }

    public bool TryGet(string keyId, out byte[] key) => _keys.TryGetValue(keyId, out key!);

    public static LinkSigningKeys Generate(string keyId = "k1") => new(keyId, new Dictionary<string, byte[]> { [keyId] = RandomNumberGenerator.GetBytes(32) });
}

/// <summary>
/// Signed, short-lived link tokens: <c>{keyId}.{payload}.{signature}</c>, payload the base64url JSON of the claims,
/// signature base64url HMAC-SHA256 over "{keyId}.{payload}" with that key. A token is checked against the request
/// that presents it: the signature (constant-time), the expiry (with a small clock skew), and that the caller, the
/// study and the action are the ones it was issued for. Tokens carry ids only, never PHI.
/// </summary>
public sealed class LinkTokens(LinkSigningKeys keys, TimeProvider clock)
{
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(1);

    public string Issue(LinkClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(Wire.From(claims), LinkJsonContext.Default.Wire));
        var signed = $"{keys.CurrentKeyId}.{payload}";
        keys.TryGet(keys.CurrentKeyId, out var key);
        return $"{signed}.{Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signed)))}";
    }

    /// <summary>The token's claims if it is genuine, unexpired and issued to this radiologist for this study and action.</summary>
    /// <exception cref="LinkTokenException">Otherwise, with the reason.</exception>
    public LinkClaims Verify(string token, string radiologistId, string studyKey, string action)
    {
        var claims = VerifySignatureAndExpiry(token);
        if (!string.Equals(claims.RadiologistId, radiologistId, StringComparison.Ordinal))
        {
            throw new LinkTokenException(LinkTokenException.WrongRadiologist, "This link was issued to another radiologist.");
        }

        if (!string.Equals(claims.StudyKey, studyKey, StringComparison.Ordinal))
        {
            throw new LinkTokenException(LinkTokenException.WrongStudy, "This link is for another study.");
        }

        if (!string.Equals(claims.Action, action, StringComparison.Ordinal))
        {
            throw new LinkTokenException(LinkTokenException.WrongAction, $"This link allows '{claims.Action}', not '{action}'.");
        }

        return claims;
    }

    /// <summary>As <see cref="Verify(string, string, string, string)"/>, and issued for this <paramref name="subject"/> within the study (e.g. the report id of a critical result).</summary>
    /// <exception cref="LinkTokenException">Otherwise, with the reason.</exception>
    public LinkClaims Verify(string token, string radiologistId, string studyKey, string action, string subject)
    {
        var claims = Verify(token, radiologistId, studyKey, action);
        if (!string.Equals(claims.Subject, subject, StringComparison.Ordinal))
        {
            throw new LinkTokenException(LinkTokenException.WrongSubject, "This link is for another result of this study.");
        }

        return claims;
    }

    /// <summary>Genuine and unexpired, whoever it was issued to (the caller checks the rest).</summary>
    public LinkClaims VerifySignatureAndExpiry(string token)
    {
        var parts = (token ?? string.Empty).Split('.');
        if (parts.Length != 3 || token!.Length > 4096)
        {
            throw new LinkTokenException(LinkTokenException.Malformed, "The link token is malformed.");
        }

        if (!keys.TryGet(parts[0], out var key))
        {
            throw new LinkTokenException(LinkTokenException.UnknownKey, "The link was signed with a key that is no longer accepted.");
        }

        byte[] signature;
        byte[] payload;
        try
        {
            signature = Base64Url.DecodeFromChars(parts[2]);
            payload = Base64Url.DecodeFromChars(parts[1]);
        }
        catch (FormatException)
        {
            throw new LinkTokenException(LinkTokenException.Malformed, "The link token is malformed.");
        }

        var expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            throw new LinkTokenException(LinkTokenException.BadSignature, "The link's signature is not valid.");
        }

        Wire? wire;
        try
        {
            wire = JsonSerializer.Deserialize(payload, LinkJsonContext.Default.Wire);
        }
        catch (JsonException)
        {
            wire = null;
        }

        if (wire is null || wire.V != 1 || wire.T is null || wire.S is null || wire.R is null || wire.A is null)
        {
            throw new LinkTokenException(LinkTokenException.Malformed, "The link token is malformed.");
        }

        var claims = new LinkClaims(wire.T, wire.S, wire.R, wire.A, DateTimeOffset.FromUnixTimeSeconds(wire.Exp), wire.O);
        if (clock.GetUtcNow() > claims.ExpiresUtc + Skew)
        {
            throw new LinkTokenException(LinkTokenException.Expired, "The link has expired.");
        }

        return claims;
    }

    /// <summary>The claims on the wire: short names keep links short. <c>o</c> (the subject) is written only when set, so
    /// tokens without one are exactly what they were before it existed.</summary>
    internal sealed record Wire(int V, string? T, string? S, string? R, string? A, long Exp, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? O = null)
    {
        public static Wire From(LinkClaims c) => new(1, c.Tenant, c.StudyKey, c.RadiologistId, c.Action, c.ExpiresUtc.ToUnixTimeSeconds(), c.Subject);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LinkTokens.Wire))]
internal sealed partial class LinkJsonContext : JsonSerializerContext;
