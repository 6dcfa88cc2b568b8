namespace Telerad.Fhir.Auth;

/// <summary>
/// No access token could be had. <see cref="IsRetryable"/> says whether trying again later can help (the token
/// endpoint is down or throttling) or not (the client, key or secret is wrong: a configuration problem).
/// Messages carry endpoint-independent facts only (status, OAuth error code, secret names), never secrets.
/// </summary>
public sealed class TokenAcquisitionException : Exception
{
    public TokenAcquisitionException()
    {
    }

    public TokenAcquisitionException(string message)
        : base(message)
    {
    }

    public TokenAcquisitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TokenAcquisitionException(string message, bool isRetryable, int? statusCode = null, string? oauthError = null, Exception? innerException = null)
        : base(message, innerException)
    {
        IsRetryable = isRetryable;
        StatusCode = statusCode;
        OAuthError = oauthError;
    }

    public bool IsRetryable { get; }

    /// <summary>The token endpoint's HTTP status, when it answered.</summary>
    public int? StatusCode { get; }

    /// <summary>The RFC 6749 §5.2 error code (e.g. invalid_client), when the token endpoint gave one.</summary>
    public string? OAuthError { get; }
}
