using Azure.Core;

namespace Telerad.Fhir.Auth;

/// <summary>
/// Entra ID tokens from the host's <see cref="TokenCredential"/> (in Azure a ManagedIdentityCredential or
/// DefaultAzureCredential from Azure.Identity), for Azure Health Data Services FHIR. Failures are taken as transient
/// (the identity endpoint is often briefly unavailable); bounded retries end them either way.
/// </summary>
internal sealed class ManagedIdentityTokenSource(ManagedIdentityAuthentication authentication, TokenCredential credential) : ITokenSource
{
    public async Task<BearerToken> AcquireAsync(CancellationToken cancellationToken)
    {
        try
        {
            var token = await credential.GetTokenAsync(new TokenRequestContext([authentication.Scope]), cancellationToken).ConfigureAwait(false);
            return new BearerToken(token.Token, token.ExpiresOn);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new TokenAcquisitionException("The managed identity credential gave no token.", isRetryable: true, innerException: e);
        }
    }
}
