using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Telerad.Fhir.Auth;

namespace Telerad.Fhir.Tests.Auth;

/// <summary>
/// Answers the test authorization server never gives (it always follows RFC 6749), from a canned handler: other
/// servers send expires_in as a string, omit it, or answer with HTML.
/// </summary>
public sealed class OAuthTokenEndpointTests
{
    private static readonly Uri TokenUrl = new("https://ehr.example.org/token");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("""{"access_token":"a","token_type":"Bearer","expires_in":"3599"}""", 3599)]
    [InlineData("""{"access_token":"a","token_type":"bearer"}""", 300)]
    public async Task Token_responses_are_read_with_their_lifetime(string body, int seconds)
    {
        var token = await Request(HttpStatusCode.OK, body);
        Assert.Equal(("a", _time.GetUtcNow().AddSeconds(seconds)), (token.Value, token.ExpiresAt));
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, """{"access_token":"a","token_type":"mac","expires_in":60}""", false)]
    [InlineData(HttpStatusCode.OK, "<html>login</html>", false)]
    [InlineData(HttpStatusCode.BadRequest, """{"error":"invalid_client","error_description":"Patient X"}""", false)]
    [InlineData(HttpStatusCode.TooManyRequests, "", true)]
    [InlineData(HttpStatusCode.BadGateway, "<html/>", true)]
    public async Task Unusable_answers_say_whether_retrying_can_help(HttpStatusCode status, string body, bool retryable)
    {
        var e = await Assert.ThrowsAsync<TokenAcquisitionException>(() => Request(status, body));
        Assert.Equal(retryable, e.IsRetryable);
        Assert.DoesNotContain("Patient X", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Basic_credentials_form_urlencode_the_id_and_secret_first()
    {
        var header = OAuthTokenEndpoint.BasicCredentials("client:1", "p@ss word");
        Assert.Equal("client%3A1:p%40ss+word", Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter!)));
    }

    private async Task<BearerToken> Request(HttpStatusCode status, string body)
    {
        using var http = new HttpClient(new CannedHandler(status, body));
        return await new OAuthTokenEndpoint(http, _time).RequestAsync(TokenUrl, [new("grant_type", "client_credentials")], null, default);
    }

    private sealed class CannedHandler(HttpStatusCode status, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body) });
    }
}
