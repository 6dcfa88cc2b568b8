using System.Net.Http.Headers;
using Telerad.Fhir.Delivery;

namespace Telerad.Fhir.Tests.Delivery;

public sealed class RetryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 0.5, 500)]
    [InlineData(2, 0.5, 1000)]
    [InlineData(3, 1.0, 4000)]
    [InlineData(6, 1.0, 10000)] // 32 s capped at 10 s
    [InlineData(40, 0.25, 2500)] // no overflow for late attempts
    [InlineData(3, 0.0, 0)]
    public void Full_jitter_is_a_fraction_of_the_capped_exponential(int attempt, double random, int expectedMs)
    {
        var wait = RetryTiming.FullJitter(attempt, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), random);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), wait);
    }

    [Fact]
    public void Retry_After_is_read_as_seconds_or_as_an_HTTP_date()
    {
        Assert.Equal(TimeSpan.FromSeconds(120), RetryTiming.RetryAfter(new RetryConditionHeaderValue(TimeSpan.FromSeconds(120)), Now));
        Assert.Equal(TimeSpan.FromSeconds(45), RetryTiming.RetryAfter(new RetryConditionHeaderValue(Now.AddSeconds(45)), Now));
        Assert.Equal(TimeSpan.Zero, RetryTiming.RetryAfter(new RetryConditionHeaderValue(Now.AddMinutes(-5)), Now));
        Assert.Null(RetryTiming.RetryAfter(null, Now));
    }

    [Fact]
    public void Options_name_every_problem()
    {
        var options = new FhirDeliveryOptions
        {
            MaxAttempts = 0,
            AttemptTimeout = TimeSpan.Zero,
            BaseDelay = TimeSpan.FromSeconds(5),
            MaxDelay = TimeSpan.FromSeconds(1),
            MaxTotalTime = TimeSpan.FromMilliseconds(-1),
        };

        Assert.Equal(4, options.Validate().Count);
        var e = Assert.Throws<ArgumentException>(() => new FhirDeliveryClient(new HttpClient(), new Telerad.Fhir.Auth.AccessTokenProviders(new HttpClient(), new Telerad.Fhir.Auth.InMemorySecretStore(), TimeProvider.System), options));
        Assert.Contains("MaxAttempts", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxDelay", e.Message, StringComparison.Ordinal);
        Assert.Empty(new FhirDeliveryOptions().Validate());
    }
}
