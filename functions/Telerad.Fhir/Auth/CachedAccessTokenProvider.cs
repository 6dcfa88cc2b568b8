namespace Telerad.Fhir.Auth;

/// <summary>
/// Caches one endpoint's token until shortly before it expires, so a token is fetched once per lifetime rather than
/// once per report. Refreshes happen one at a time: callers that find the token stale while another refresh is
/// running wait for it and take its result instead of asking the token endpoint again.
/// </summary>
public sealed class CachedAccessTokenProvider : IAccessTokenProvider, IDisposable
{
    /// <summary>Refresh this long before expiry (capped at half the token's lifetime for short-lived tokens).</summary>
    public static readonly TimeSpan DefaultRefreshMargin = TimeSpan.FromSeconds(60);

    private readonly ITokenSource _source;
    private readonly TimeProvider _time;
    private readonly TimeSpan _refreshMargin;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly Lock _gate = new();
    private Cached? _cached;

    public CachedAccessTokenProvider(ITokenSource source, TimeProvider time, TimeSpan? refreshMargin = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(time);
        var margin = refreshMargin ?? DefaultRefreshMargin;
        ArgumentOutOfRangeException.ThrowIfLessThan(margin, TimeSpan.Zero, nameof(refreshMargin));
        _source = source;
        _time = time;
        _refreshMargin = margin;
    }

    public async ValueTask<BearerToken> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } token)
        {
            return token;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have refreshed while this one waited.
            if (Fresh() is { } refreshed)
            {
                return refreshed;
            }

            var obtainedAt = _time.GetUtcNow();
            var acquired = await _source.AcquireAsync(cancellationToken).ConfigureAwait(false);
            var lifetime = acquired.ExpiresAt - obtainedAt;
            var margin = lifetime <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(_refreshMargin.Ticks, lifetime.Ticks / 2));
            lock (_gate)
            {
                _cached = new Cached(acquired, acquired.ExpiresAt - margin);
            }

            return acquired;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Invalidate(BearerToken rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        lock (_gate)
        {
            // Only the token that was refused: a newer one fetched meanwhile by another caller stays.
            if (_cached is not null && string.Equals(_cached.Token.Value, rejected.Value, StringComparison.Ordinal))
            {
                _cached = null;
            }
        }
    }

    public void Dispose() => _refresh.Dispose();

    private BearerToken? Fresh()
    {
        lock (_gate)
        {
            return _cached is not null && _time.GetUtcNow() < _cached.RefreshAt ? _cached.Token : null;
        }
    }

    private sealed record Cached(BearerToken Token, DateTimeOffset RefreshAt);
}
