namespace Telerad.Fhir.Auth;

/// <summary>
/// SMART Backend Services token requests (SMART App Launch 2.x, backend-services.html): client_credentials grant,
/// the requested system scopes, and a freshly signed <see cref="ClientAssertion"/> each time.
/// </summary>
internal sealed class SmartBackendServicesTokenSource(
    SmartBackendServicesAuthentication authentication,
    ISecretStore secrets,
    OAuthTokenEndpoint tokenEndpoint,
    TimeProvider time) : ITokenSource
{
    public async Task<BearerToken> AcquireAsync(CancellationToken cancellationToken)
    {
        var pem = await SecretReader.ReadAsync(secrets, authentication.SigningKeyReference, cancellationToken).ConfigureAwait(false);
        var assertion = ClientAssertion.Create(authentication, pem, time.GetUtcNow());
        var form = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = authentication.Scope,
            ["client_assertion_type"] = ClientAssertion.JwtBearerType,
            ["client_assertion"] = assertion,
        };
        return await tokenEndpoint.RequestAsync(authentication.TokenUrl, form, authorization: null, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>OAuth 2.0 client credentials grant with a client secret sent as HTTP Basic credentials (RFC 6749 §2.3.1, §4.4).</summary>
internal sealed class ClientCredentialsTokenSource(
    ClientCredentialsAuthentication authentication,
    ISecretStore secrets,
    OAuthTokenEndpoint tokenEndpoint) : ITokenSource
{
    public async Task<BearerToken> AcquireAsync(CancellationToken cancellationToken)
    {
        var secret = await SecretReader.ReadAsync(secrets, authentication.SecretReference, cancellationToken).ConfigureAwait(false);
        var form = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = authentication.Scope,
        };
        return await tokenEndpoint.RequestAsync(
            authentication.TokenUrl,
            form,
            OAuthTokenEndpoint.BasicCredentials(authentication.ClientId, secret),
            cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Reads a secret and turns the store's failures into <see cref="TokenAcquisitionException"/>s.</summary>
internal static class SecretReader
{
    public static async Task<string> ReadAsync(ISecretStore secrets, string reference, CancellationToken cancellationToken)
    {
        try
        {
            return await secrets.GetSecretAsync(reference, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretNotFoundException e)
        {
            throw new TokenAcquisitionException($"The secret '{reference}' does not exist.", isRetryable: false, innerException: e);
        }
        catch (Exception e) when (e is not OperationCanceledException and not TokenAcquisitionException)
        {
            // Key Vault throttling or an outage: worth another try later.
            throw new TokenAcquisitionException($"The secret '{reference}' could not be read.", isRetryable: true, innerException: e);
        }
    }
}
