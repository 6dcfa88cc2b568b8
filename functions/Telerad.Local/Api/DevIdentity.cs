using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Telerad.Local;

/// <summary>
/// The local stand-in for Entra ID (DESIGN.md, "HTTP API"): a request must say who is asking in the
/// <c>X-Telerad-Dev-User</c> header (a user id: letters, digits, '.', '_', '-', '@'). It is not authentication — anyone
/// on the machine can send it — which is why the API listens on loopback only; it keeps the API's shape (every call
/// has a caller) so the Azure API's Entra check slots in where this one is.
/// </summary>
public sealed class DevIdentityHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "TeleradDevIdentity";
    public const string HeaderName = "X-Telerad-Dev-User";

    public static bool IsValidUser(string? user) =>
        user is { Length: > 0 and <= 128 } && user.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var user = values.Count == 1 ? values[0] : null;
        if (!IsValidUser(user))
        {
            return Task.FromResult(AuthenticateResult.Fail($"{HeaderName} must be one user id of letters, digits, '.', '_', '-' or '@'."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user!)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = HeaderName;
        return Response.WriteAsJsonAsync(new { error = $"Say who you are: send the {HeaderName} header (local development identity)." });
    }
}
