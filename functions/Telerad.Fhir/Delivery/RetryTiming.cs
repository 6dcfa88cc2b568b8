using System.Net.Http.Headers;

namespace Telerad.Fhir.Delivery;

/// <summary>How long to wait before the next attempt.</summary>
internal static class RetryTiming
{
    /// <summary>
    /// Exponential backoff with full jitter (Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015):
    /// a uniform random wait in [0, min(cap, base·2^(attempt-1))], so many clients failing together do not come back
    /// together. <paramref name="attempt"/> is the attempt that just failed (1 for the first).
    /// </summary>
    public static TimeSpan FullJitter(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double random)
    {
        var exponent = Math.Min(attempt - 1, 30);
        var ceiling = Math.Min(maxDelay.Ticks, baseDelay.Ticks * Math.Pow(2, exponent));
        return TimeSpan.FromTicks((long)(ceiling * Math.Clamp(random, 0, 1)));
    }

    /// <summary>
    /// The wait a Retry-After header asks for (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; a date in the past
    /// means now. Null when the header is absent.
    /// </summary>
    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
