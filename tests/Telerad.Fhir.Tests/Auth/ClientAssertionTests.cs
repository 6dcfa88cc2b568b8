using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Telerad.Fhir.Auth;

namespace Telerad.Fhir.Tests.Auth;

/// <summary>The assertion's content (the signature itself is verified by the Node authorization server in AuthenticatedDeliveryTests).</summary>
public sealed class ClientAssertionTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(ClientAssertionAlgorithm.RS384, "RS384")]
    [InlineData(ClientAssertionAlgorithm.ES384, "ES384")]
    public void The_assertion_has_the_header_and_claims_SMART_requires(ClientAssertionAlgorithm algorithm, string alg)
    {
        var key = algorithm == ClientAssertionAlgorithm.RS384 ? TestKey.Rsa("kid-7") : TestKey.EcP384("kid-7");
        var authentication = Smart(algorithm);

        var jwt = new JsonWebToken(ClientAssertion.Create(authentication, key.PrivateKeyPem, Now));

        Assert.Equal((alg, "kid-7", "JWT"), (jwt.Alg, jwt.Kid, jwt.Typ));
        Assert.Equal("telerad-client", jwt.Issuer);
        Assert.Equal("telerad-client", jwt.Subject);
        Assert.Equal(["https://ehr.example.org/auth/token"], jwt.Audiences);
        var exp = jwt.GetPayloadValue<long>("exp");
        Assert.Equal(Now.AddMinutes(4).ToUnixTimeSeconds(), exp);
        Assert.True(exp - Now.ToUnixTimeSeconds() <= 300, "SMART: exp no more than five minutes ahead");
        Assert.False(jwt.TryGetPayloadValue<long>("iat", out _)); // only what SMART asks for, on our clock
    }

    [Fact]
    public void Every_assertion_has_its_own_jti()
    {
        var key = TestKey.Rsa("kid-7");
        var ids = Enumerable.Range(0, 20).Select(_ => new JsonWebToken(ClientAssertion.Create(Smart(ClientAssertionAlgorithm.RS384), key.PrivateKeyPem, Now)).Id).ToHashSet();
        Assert.Equal(20, ids.Count);
        Assert.All(ids, id => Assert.True(Base64UrlEncoder.DecodeBytes(id).Length >= 16));
    }

    [Fact]
    public async Task The_signature_verifies_with_the_public_key()
    {
        var key = TestKey.EcP384("kid-7");
        var token = ClientAssertion.Create(Smart(ClientAssertionAlgorithm.ES384), key.PrivateKeyPem, DateTimeOffset.UtcNow);
        var jwk = new JsonWebKey(key.PublicJwk.ToJsonString());

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = jwk,
            ValidIssuer = "telerad-client",
            ValidAudience = "https://ehr.example.org/auth/token",
        });

        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public void A_key_that_does_not_fit_the_algorithm_is_refused_without_quoting_it()
    {
        var ecKey = TestKey.EcP384("kid-7").PrivateKeyPem;
        var weakRsa = TestKey.Rsa("kid-7", bits: 1024).PrivateKeyPem;

        var wrongType = Assert.Throws<TokenAcquisitionException>(() => ClientAssertion.Create(Smart(ClientAssertionAlgorithm.RS384), ecKey, Now));
        var tooSmall = Assert.Throws<TokenAcquisitionException>(() => ClientAssertion.Create(Smart(ClientAssertionAlgorithm.RS384), weakRsa, Now));
        var notPem = Assert.Throws<TokenAcquisitionException>(() => ClientAssertion.Create(Smart(ClientAssertionAlgorithm.ES384), "hunter2", Now));

        Assert.All(new[] { wrongType, tooSmall, notPem }, e => Assert.False(e.IsRetryable));
        Assert.Contains("2048", tooSmall.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", wrongType.Message + tooSmall.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", notPem.Message, StringComparison.Ordinal);
    }

    private static SmartBackendServicesAuthentication Smart(ClientAssertionAlgorithm algorithm) =>
        new(new Uri("https://ehr.example.org/auth/token"), "telerad-client", "kid-7", "smart-key", algorithm, "system/DiagnosticReport.write");
}
