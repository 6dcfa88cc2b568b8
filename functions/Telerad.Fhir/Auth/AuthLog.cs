using Microsoft.Extensions.Logging;

namespace Telerad.Fhir.Auth;

/// <summary>Authentication log events (EventIds 7050-7099): endpoint ids, kinds, statuses and OAuth error codes; never tokens or secrets.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 7050, Level = LogLevel.Information, Message = "Access token for endpoint {EndpointId} acquired ({Kind}), valid for {LifetimeSeconds} s")]
    public static partial void TokenAcquired(ILogger logger, string endpointId, string kind, long lifetimeSeconds);

    [LoggerMessage(EventId = 7051, Level = LogLevel.Warning, Message = "No access token for endpoint {EndpointId} ({Kind}): HTTP {StatusCode}, OAuth error {OAuthError}, retryable {Retryable}")]
    public static partial void TokenRefused(ILogger logger, string endpointId, string kind, int? statusCode, string? oauthError, bool retryable);
}
