namespace Telerad.Fhir.Auth;

/// <summary>An OAuth 2.0 bearer access token (RFC 6750) and when it expires.</summary>
public sealed record BearerToken(string Value, DateTimeOffset ExpiresAt)
{
    /// <summary>Never prints the token itself: a token in a log is a credential in a log.</summary>
    public override string ToString() => $"BearerToken(expires {ExpiresAt:O})";
}
