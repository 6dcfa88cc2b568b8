namespace Telerad.Fhir.Auth;

/// <summary>Bearer tokens for one endpoint, cached until shortly before they expire.</summary>
public interface IAccessTokenProvider
{
    /// <summary>A token valid for a while yet; throws <see cref="TokenAcquisitionException"/> when none can be had.</summary>
    ValueTask<BearerToken> GetTokenAsync(CancellationToken cancellationToken);

    /// <summary>The server refused <paramref name="rejected"/> (HTTP 401): forget it so the next call fetches a new one.</summary>
    void Invalidate(BearerToken rejected);
}

/// <summary>Fetches a new token every time it is asked (one per authentication mode); <see cref="CachedAccessTokenProvider"/> caches.</summary>
public interface ITokenSource
{
    Task<BearerToken> AcquireAsync(CancellationToken cancellationToken);
}
