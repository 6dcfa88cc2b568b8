using System.Collections.Concurrent;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Telerad.Fhir.Auth;

/// <summary>
/// One cached token provider per endpoint and authentication setting, for the life of the process (one per Function
/// app instance), so every report to the same EHR shares one token. A changed setting (records compare by value)
/// gets a fresh provider.
/// </summary>
public sealed class AccessTokenProviders : IDisposable
{
    private readonly ConcurrentDictionary<(string EndpointId, EndpointAuthentication Authentication), Lazy<CachedAccessTokenProvider>> _providers = new();
    private readonly OAuthTokenEndpoint _tokenEndpoint;
    private readonly ISecretStore _secrets;
    private readonly TimeProvider _time;
    private readonly TokenCredential? _managedIdentity;
    private readonly ILogger _logger;

    /// <param name="http">For token endpoints (the same client as for FHIR is fine).</param>
    /// <param name="secrets">Client secrets and signing keys.</param>
    /// <param name="time">The clock for token expiry and assertion times.</param>
    /// <param name="managedIdentity">The host's Entra ID credential; needed only by managed-identity endpoints.</param>
    public AccessTokenProviders(HttpClient http, ISecretStore secrets, TimeProvider time, TokenCredential? managedIdentity = null, ILogger<AccessTokenProviders>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(time);
        _tokenEndpoint = new OAuthTokenEndpoint(http, time);
        _secrets = secrets;
        _time = time;
        _managedIdentity = managedIdentity;
        _logger = logger ?? NullLogger<AccessTokenProviders>.Instance;
    }

    /// <summary>The provider for the endpoint, or null when it takes no authentication.</summary>
    public IAccessTokenProvider? For(string endpointId, EndpointAuthentication authentication)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpointId);
        ArgumentNullException.ThrowIfNull(authentication);
        if (authentication is NoAuthentication)
        {
            return null;
        }

        return _providers.GetOrAdd((endpointId, authentication), key => new Lazy<CachedAccessTokenProvider>(() => Create(key.EndpointId, key.Authentication))).Value;
    }

    public void Dispose()
    {
        foreach (var provider in _providers.Values.Where(p => p.IsValueCreated))
        {
            provider.Value.Dispose();
        }
    }

    private CachedAccessTokenProvider Create(string endpointId, EndpointAuthentication authentication)
    {
        ITokenSource source = authentication switch
        {
            SmartBackendServicesAuthentication smart => new SmartBackendServicesTokenSource(smart, _secrets, _tokenEndpoint, _time),
            ClientCredentialsAuthentication clientCredentials => new ClientCredentialsTokenSource(clientCredentials, _secrets, _tokenEndpoint),
            ManagedIdentityAuthentication managedIdentity => new ManagedIdentityTokenSource(
                managedIdentity,
                _managedIdentity ?? throw new InvalidOperationException($"Endpoint {endpointId} uses a managed identity, but no TokenCredential was given to {nameof(AccessTokenProviders)}.")),
            _ => throw new ArgumentException($"Unsupported authentication kind {authentication.Kind}.", nameof(authentication)),
        };
        return new CachedAccessTokenProvider(new LoggingTokenSource(source, endpointId, authentication.Kind, _time, _logger), _time);
    }

    /// <summary>Logs each token fetched or refused, by endpoint id and kind only.</summary>
    private sealed class LoggingTokenSource(ITokenSource inner, string endpointId, string kind, TimeProvider time, ILogger logger) : ITokenSource
    {
        public async Task<BearerToken> AcquireAsync(CancellationToken cancellationToken)
        {
            try
            {
                var token = await inner.AcquireAsync(cancellationToken).ConfigureAwait(false);
                var lifetimeSeconds = (long)(token.ExpiresAt - time.GetUtcNow()).TotalSeconds;
                AuthLog.TokenAcquired(logger, endpointId, kind, lifetimeSeconds);
                return token;
            }
            catch (TokenAcquisitionException e)
            {
                AuthLog.TokenRefused(logger, endpointId, kind, e.StatusCode, e.OAuthError, e.IsRetryable);
                throw;
            }
        }
    }
}
