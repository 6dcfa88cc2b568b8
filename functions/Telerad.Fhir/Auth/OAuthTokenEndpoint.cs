using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Telerad.Fhir.Auth;

/// <summary>
/// Posts a token request (application/x-www-form-urlencoded, RFC 6749 §4.4.2) and reads the answer: a token response
/// (§5.1: access_token, token_type bearer, expires_in) or an error response (§5.2). 408, 429 and 5xx, timeouts and
/// connection failures are retryable; any other refusal is a configuration problem and is not.
/// </summary>
internal sealed class OAuthTokenEndpoint(HttpClient http, TimeProvider time)
{
    /// <summary>Lifetime assumed when the server omits expires_in (RFC 6749 makes it only recommended).</summary>
    public static readonly TimeSpan AssumedLifetime = TimeSpan.FromMinutes(5);

    public async Task<BearerToken> RequestAsync(Uri tokenUrl, IEnumerable<KeyValuePair<string, string>> form, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenUrl) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Authorization = authorization;

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new TokenAcquisitionException("The token endpoint could not be reached.", isRetryable: true, innerException: e);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var error = ReadError(body);
                var retryable = status is 408 or 429 || status >= 500;
                throw new TokenAcquisitionException(
                    $"The token endpoint refused the request: HTTP {status.ToString(CultureInfo.InvariantCulture)}{(error is null ? string.Empty : " " + error)}.",
                    retryable,
                    status,
                    error);
            }

            return ReadToken(body, status, time.GetUtcNow());
        }
    }

    private static BearerToken ReadToken(byte[] body, int status, DateTimeOffset now)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("access_token", out var accessToken) || accessToken.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(accessToken.GetString()))
            {
                throw Malformed(status, "no access_token");
            }

            // RFC 6749 §7.1: the client must understand the token type; Telerad only uses bearer tokens (RFC 6750).
            if (!root.TryGetProperty("token_type", out var tokenType) || tokenType.ValueKind != JsonValueKind.String
                || !string.Equals(tokenType.GetString(), "bearer", StringComparison.OrdinalIgnoreCase))
            {
                throw Malformed(status, "token_type is not bearer");
            }

            var lifetime = AssumedLifetime;
            if (root.TryGetProperty("expires_in", out var expiresIn))
            {
                // Some servers send the number as a string.
                double seconds;
                var valid = expiresIn.ValueKind == JsonValueKind.Number
                    ? expiresIn.TryGetDouble(out seconds)
                    : double.TryParse(expiresIn.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out seconds);
                if (!valid || seconds <= 0)
                {
                    throw Malformed(status, "expires_in is not a positive number");
                }

                lifetime = TimeSpan.FromSeconds(seconds);
            }

            return new BearerToken(accessToken.GetString()!, now + lifetime);
        }
        catch (JsonException e)
        {
            throw new TokenAcquisitionException($"The token endpoint answered HTTP {status.ToString(CultureInfo.InvariantCulture)} with a body that is not JSON.", isRetryable: false, status, innerException: e);
        }
    }

    private static TokenAcquisitionException Malformed(int status, string what) =>
        new($"The token endpoint answered HTTP {status.ToString(CultureInfo.InvariantCulture)} without a usable token: {what}.", isRetryable: false, status);

    /// <summary>The RFC 6749 §5.2 error code, if the body has one (its description is the server's text: not logged).</summary>
    private static string? ReadError(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                && IsErrorCode(error.GetString()!)
                ? error.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>RFC 6749 §5.2: error codes are printable ASCII without '"' and '\'; anything else is not echoed.</summary>
    private static bool IsErrorCode(string code) =>
        code.Length is > 0 and <= 64 && code.All(c => c is >= (char)0x20 and <= (char)0x7E and not '"' and not '\\');

    /// <summary>HTTP Basic credentials for a client id and secret, each form-urlencoded first (RFC 6749 §2.3.1).</summary>
    public static AuthenticationHeaderValue BasicCredentials(string clientId, string secret)
    {
        var pair = WebUtility.UrlEncode(clientId) + ":" + WebUtility.UrlEncode(secret);
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(pair)));
    }
}
