using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Telerad.Functions;

/// <summary>
/// Who is calling, from App Service authentication (Easy Auth with Entra ID, configured by infra/): the platform
/// validates the token and passes the principal in <c>X-MS-CLIENT-PRINCIPAL</c> (base64 JSON: claims with their types),
/// stripping any such header a client sends itself. So these headers are trusted only because infra/ turns
/// authentication on and requires it for every request; without them the API answers 401.
/// </summary>
public static class AppServiceCaller
{
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";
    public const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    /// <summary>The caller, or null when the request carries no (readable) principal.</summary>
    public static ReadingCaller? From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Headers.TryGetValue(PrincipalHeader, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(values[0]!)));
            var root = document.RootElement;
            var roleType = root.TryGetProperty("role_typ", out var rt) && rt.GetString() is { Length: > 0 } r ? r : "roles";
            var claims = root.TryGetProperty("claims", out var c) && c.ValueKind == JsonValueKind.Array
                ? [.. c.EnumerateArray().Select(e => (Type: e.GetProperty("typ").GetString() ?? string.Empty, Value: e.GetProperty("val").GetString() ?? string.Empty))]
                : new List<(string Type, string Value)>();
            var oid = claims.FirstOrDefault(x => x.Type is ObjectIdClaim or "oid").Value;
            if (string.IsNullOrEmpty(oid) || !Guid.TryParse(oid, out _))
            {
                return null;
            }

            return new ReadingCaller
            {
                UserId = oid,
                ObjectId = oid,
                Roles = [.. claims.Where(x => x.Type == roleType || x.Type == "roles").Select(x => x.Value).Distinct(StringComparer.Ordinal)],
            };
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return null;
        }
    }
}
