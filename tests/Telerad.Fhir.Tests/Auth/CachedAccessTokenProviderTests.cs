using Microsoft.Extensions.Time.Testing;
using Telerad.Fhir.Auth;

namespace Telerad.Fhir.Tests.Auth;

public sealed class CachedAccessTokenProviderTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_token_is_reused_until_the_refresh_margin_before_expiry()
    {
        var source = new CountingSource(_time, TimeSpan.FromMinutes(10));
        using var provider = new CachedAccessTokenProvider(source, _time);

        var first = await provider.GetTokenAsync(default);
        _time.Advance(TimeSpan.FromMinutes(8) + TimeSpan.FromSeconds(59));
        Assert.Same(first, await provider.GetTokenAsync(default));
        _time.Advance(TimeSpan.FromSeconds(1)); // 60 s before expiry
        var second = await provider.GetTokenAsync(default);

        Assert.NotEqual(first.Value, second.Value);
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public async Task A_short_lived_token_is_refreshed_at_half_its_lifetime()
    {
        var source = new CountingSource(_time, TimeSpan.FromSeconds(40));
        using var provider = new CachedAccessTokenProvider(source, _time);

        await provider.GetTokenAsync(default);
        _time.Advance(TimeSpan.FromSeconds(19));
        await provider.GetTokenAsync(default);
        Assert.Equal(1, source.Calls);
        _time.Advance(TimeSpan.FromSeconds(1));
        await provider.GetTokenAsync(default);
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public async Task Concurrent_callers_wait_for_one_refresh()
    {
        var gate = new TaskCompletionSource();
        var source = new CountingSource(_time, TimeSpan.FromMinutes(5), gate.Task);
        using var provider = new CachedAccessTokenProvider(source, _time);

        var callers = Enumerable.Range(0, 16).Select(_ => provider.GetTokenAsync(default).AsTask()).ToArray();
        await Task.Delay(50);
        gate.SetResult();
        var tokens = await Task.WhenAll(callers);

        Assert.Equal(1, source.Calls);
        Assert.Single(tokens.Select(t => t.Value).Distinct());
    }

    [Fact]
    public async Task Invalidate_drops_only_the_refused_token()
    {
        var source = new CountingSource(_time, TimeSpan.FromMinutes(5));
        using var provider = new CachedAccessTokenProvider(source, _time);
        var refused = await provider.GetTokenAsync(default);

        provider.Invalidate(refused);
        var fresh = await provider.GetTokenAsync(default);
        provider.Invalidate(refused); // a late 401 for the old token must not throw the new one away

        Assert.Same(fresh, await provider.GetTokenAsync(default));
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public async Task A_failed_refresh_is_not_cached()
    {
        var source = new CountingSource(_time, TimeSpan.FromMinutes(5)) { FailNext = true };
        using var provider = new CachedAccessTokenProvider(source, _time);

        await Assert.ThrowsAsync<TokenAcquisitionException>(() => provider.GetTokenAsync(default).AsTask());
        var token = await provider.GetTokenAsync(default);

        Assert.Equal(2, source.Calls);
        Assert.Equal("token-2", token.Value);
    }

    [Fact]
    public void A_token_never_prints_itself()
    {
        var token = new BearerToken("eyJsecret", _time.GetUtcNow());
        Assert.DoesNotContain("eyJsecret", token.ToString(), StringComparison.Ordinal);
    }

    private sealed class CountingSource(TimeProvider time, TimeSpan lifetime, Task? gate = null) : ITokenSource
    {
        private int _calls;

        public int Calls => _calls;

        public bool FailNext { get; set; }

        public async Task<BearerToken> AcquireAsync(CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            if (gate is not null)
            {
                await gate;
            }

            if (FailNext)
            {
                FailNext = false;
                throw new TokenAcquisitionException("down", isRetryable: true, 503);
            }

            return new BearerToken($"token-{call}", time.GetUtcNow() + lifetime);
        }
    }
}
