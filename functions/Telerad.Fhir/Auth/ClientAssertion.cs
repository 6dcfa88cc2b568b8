using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Telerad.Fhir.Auth;

/// <summary>
/// The signed authentication JWT of SMART Backend Services (SMART App Launch 2.x, backend-services.html, "Protocol
/// details"; RFC 7523 §3): header alg, kid and typ "JWT"; claims iss = sub = client id, aud = token URL, exp no more than
/// five minutes ahead, and a jti that is never reused.
/// </summary>
public static class ClientAssertion
{
    /// <summary>
    /// The assertion's lifetime: under SMART's five-minute ceiling with a minute to spare, so a server whose clock runs
    /// a little behind ours still finds exp within its limit.
    /// </summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(4);

    /// <summary>The client_assertion_type of a JWT client assertion (RFC 7523 §2.2).</summary>
    public const string JwtBearerType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>Signs an assertion with <paramref name="privateKeyPem"/> (PKCS#8, or PKCS#1 RSA / SEC1 EC).</summary>
    public static string Create(SmartBackendServicesAuthentication authentication, string privateKeyPem, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        ArgumentException.ThrowIfNullOrEmpty(privateKeyPem);
        using var key = SigningKey.Import(authentication.Algorithm, privateKeyPem);
        var securityKey = key.ToSecurityKey(authentication.KeyId);
        // The key is disposed after this call: a cached signature provider would outlive it.
        securityKey.CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false };

        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = authentication.ClientId,
            // As configured, character for character: the EHR compares aud with its own token URL.
            Audience = authentication.TokenUrl.OriginalString,
            Expires = (now + Lifetime).UtcDateTime,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [JwtRegisteredClaimNames.Sub] = authentication.ClientId,
                [JwtRegisteredClaimNames.Jti] = NewJti(),
            },
            TokenType = "JWT",
            SigningCredentials = new SigningCredentials(securityKey, authentication.Algorithm == ClientAssertionAlgorithm.RS384 ? SecurityAlgorithms.RsaSha384 : SecurityAlgorithms.EcdsaSha384),
        };
        return handler.CreateToken(descriptor);
    }

    /// <summary>128 random bits: unique for every assertion, as SMART requires.</summary>
    private static string NewJti() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));

    /// <summary>A private key of the kind the algorithm needs, or a clear, secret-free error.</summary>
    private sealed class SigningKey : IDisposable
    {
        private readonly AsymmetricAlgorithm _key;

        private SigningKey(AsymmetricAlgorithm key) => _key = key;

        public static SigningKey Import(ClientAssertionAlgorithm algorithm, string pem)
        {
            AsymmetricAlgorithm key = algorithm == ClientAssertionAlgorithm.RS384 ? RSA.Create() : ECDsa.Create();
            try
            {
                switch (key)
                {
                    case RSA rsa:
                        rsa.ImportFromPem(pem);
                        if (rsa.KeySize < 2048)
                        {
                            throw new TokenAcquisitionException($"The signing key is RSA-{rsa.KeySize}; RS384 needs at least 2048 bits.", isRetryable: false);
                        }

                        break;
                    case ECDsa ecdsa:
                        ecdsa.ImportFromPem(pem);
                        if (ecdsa.KeySize != 384)
                        {
                            throw new TokenAcquisitionException($"The signing key is on a {ecdsa.KeySize}-bit curve; ES384 needs P-384.", isRetryable: false);
                        }

                        break;
                }

                return new SigningKey(key);
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                key.Dispose();
                // Never the PEM or the exception text: either may quote key material.
                throw new TokenAcquisitionException($"The signing key is not a PEM private key usable for {algorithm}.", isRetryable: false);
            }
            catch
            {
                key.Dispose();
                throw;
            }
        }

        public SecurityKey ToSecurityKey(string keyId) => _key switch
        {
            RSA rsa => new RsaSecurityKey(rsa) { KeyId = keyId },
            ECDsa ecdsa => new ECDsaSecurityKey(ecdsa) { KeyId = keyId },
            _ => throw new InvalidOperationException("unexpected key type"),
        };

        public void Dispose() => _key.Dispose();
    }
}
