using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure.Core;
using Microsoft.IdentityModel.Tokens;

namespace Telerad.Fhir.Tests.Auth;

/// <summary>Key pairs made for a test: the private key as PEM (what Key Vault would hold) and the public key as a JWK (what the EHR registers).</summary>
internal sealed record TestKey(string PrivateKeyPem, JsonObject PublicJwk)
{
    public static TestKey Rsa(string kid, int bits = 2048)
    {
        using var rsa = RSA.Create(bits);
        var p = rsa.ExportParameters(false);
        return new TestKey(
            rsa.ExportPkcs8PrivateKeyPem(),
            new JsonObject { ["kty"] = "RSA", ["kid"] = kid, ["alg"] = "RS384", ["n"] = Base64UrlEncoder.Encode(p.Modulus!), ["e"] = Base64UrlEncoder.Encode(p.Exponent!) });
    }

    public static TestKey EcP384(string kid)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var p = ecdsa.ExportParameters(false);
        return new TestKey(
            ecdsa.ExportPkcs8PrivateKeyPem(),
            new JsonObject { ["kty"] = "EC", ["crv"] = "P-384", ["kid"] = kid, ["alg"] = "ES384", ["x"] = Base64UrlEncoder.Encode(p.Q.X!), ["y"] = Base64UrlEncoder.Encode(p.Q.Y!) });
    }

    public JsonObject Jwks() => new() { ["keys"] = new JsonArray(PublicJwk.DeepClone()) };
}

/// <summary>
/// Stand-in for the Function app's managed identity credential (Entra ID cannot run here): hands out a fixed token
/// and records the scopes it was asked for.
/// </summary>
internal sealed class StandInManagedIdentityCredential(string token, DateTimeOffset expiresOn) : TokenCredential
{
    private int _calls;

    public List<string[]> RequestedScopes { get; } = [];

    public int Calls => _calls;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        lock (RequestedScopes)
        {
            RequestedScopes.Add(requestContext.Scopes);
        }

        return ValueTask.FromResult(new AccessToken(token, expiresOn));
    }
}
