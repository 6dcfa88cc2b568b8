using System.Text.RegularExpressions;
using Telerad.Fhir.Auth;
using Codes = Telerad.Fhir.Delivery.EndpointConfigurationErrorCodes;

namespace Telerad.Fhir.Delivery;

/// <summary>
/// The rules an endpoint must meet before anything is sent to it (docs/results-delivery.md): a log-safe id; an
/// absolute http(s) base URL without query or credentials, HTTPS unless it is on this machine; no authentication only
/// on loopback; token URLs under the same rules; SMART scopes are system scopes (SMART Backend Services grants no
/// others); a managed identity asks for a resource's <c>/.default</c> scope (Entra ID's client-credentials form);
/// secret references are Key Vault secret names.
/// </summary>
public static partial class FhirEndpointValidator
{
    /// <summary>Every problem with <paramref name="endpoint"/>, paths under <paramref name="path"/>; empty when valid.</summary>
    public static IReadOnlyList<EndpointConfigurationError> Validate(FhirEndpoint endpoint, string path = "$")
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var errors = new List<EndpointConfigurationError>();
        void Add(string field, string code, string message) => errors.Add(new EndpointConfigurationError($"{path}.{field}", code, message));

        if (string.IsNullOrEmpty(endpoint.EndpointId) || !EndpointIdPattern().IsMatch(endpoint.EndpointId))
        {
            Add("id", Codes.InvalidIdentifier, "the endpoint id must be 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit (it appears in logs: no names or patient data)");
        }

        CheckUrl(endpoint.BaseUrl, "baseUrl", Add);
        switch (endpoint.Authentication)
        {
            case NoAuthentication:
                if (endpoint.BaseUrl is { IsAbsoluteUri: true } && !endpoint.BaseUrl.IsLoopback)
                {
                    Add("auth.kind", Codes.NotLoopback, "'none' is only for a FHIR server on this machine (localhost, 127.0.0.1, ::1); a referrer's endpoint needs authentication");
                }

                break;
            case SmartBackendServicesAuthentication smart:
                CheckUrl(smart.TokenUrl, "auth.tokenUrl", Add);
                CheckText(smart.ClientId, "auth.clientId", Add);
                CheckText(smart.KeyId, "auth.keyId", Add);
                CheckSecretReference(smart.SigningKeyReference, "auth.signingKey", Add);
                if (!Enum.IsDefined(smart.Algorithm))
                {
                    Add("auth.algorithm", Codes.InvalidValue, "the algorithm must be RS384 or ES384");
                }

                var scopes = Scopes(smart.Scope);
                if (scopes.Length == 0)
                {
                    Add("auth.scope", Codes.InvalidScope, "at least one scope is required (e.g. system/DiagnosticReport.write)");
                }
                else if (scopes.FirstOrDefault(s => !s.StartsWith("system/", StringComparison.Ordinal)) is { } notSystem)
                {
                    Add("auth.scope", Codes.InvalidScope, $"SMART Backend Services grants system scopes only; '{notSystem}' is not one (system/Resource.write, system/Resource.cud, ...)");
                }

                break;
            case ClientCredentialsAuthentication clientCredentials:
                CheckUrl(clientCredentials.TokenUrl, "auth.tokenUrl", Add);
                CheckText(clientCredentials.ClientId, "auth.clientId", Add);
                CheckSecretReference(clientCredentials.SecretReference, "auth.secret", Add);
                if (Scopes(clientCredentials.Scope).Length == 0)
                {
                    Add("auth.scope", Codes.InvalidScope, "at least one scope is required");
                }

                break;
            case ManagedIdentityAuthentication managedIdentity:
                var scope = managedIdentity.Scope ?? string.Empty;
                if (!Uri.TryCreate(scope, UriKind.Absolute, out var resource) || resource.Scheme != Uri.UriSchemeHttps
                    || !scope.EndsWith("/.default", StringComparison.Ordinal) || Scopes(scope).Length != 1)
                {
                    Add("auth.scope", Codes.InvalidScope, "a managed identity needs one scope of the form https://{fhir-service-url}/.default");
                }

                break;
            case null:
                Add("auth", Codes.MissingField, "'auth' is required");
                break;
            default:
                Add("auth.kind", Codes.UnknownKind, $"unsupported authentication kind '{endpoint.Authentication.Kind}'");
                break;
        }

        return errors;
    }

    /// <summary>Throws <see cref="FhirEndpointConfigurationException"/> listing every problem.</summary>
    public static void EnsureValid(FhirEndpoint endpoint)
    {
        var errors = Validate(endpoint);
        if (errors.Count > 0)
        {
            throw new FhirEndpointConfigurationException(errors);
        }
    }

    internal static string[] Scopes(string? scope) => (scope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static void CheckUrl(Uri? url, string field, Action<string, string, string> add)
    {
        if (url is null)
        {
            add(field, Codes.MissingField, $"'{field.Split('.')[^1]}' is required");
            return;
        }

        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(url.Query)
            || !string.IsNullOrEmpty(url.Fragment) || !string.IsNullOrEmpty(url.UserInfo))
        {
            add(field, Codes.InvalidUrl, "must be an absolute http(s) URL without query, fragment or credentials");
            return;
        }

        if (url.Scheme != Uri.UriSchemeHttps && !url.IsLoopback)
        {
            add(field, Codes.InsecureUrl, "must use https (plain http only for a server on this machine): reports and tokens must not cross a network unencrypted");
        }
    }

    private static void CheckText(string? value, string field, Action<string, string, string> add)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            add(field, Codes.MissingField, $"'{field.Split('.')[^1]}' is required");
        }
        else if (value.Length > 256 || value.Any(char.IsControl))
        {
            add(field, Codes.InvalidValue, $"'{field.Split('.')[^1]}' must be at most 256 characters without control characters");
        }
    }

    private static void CheckSecretReference(string? value, string field, Action<string, string, string> add)
    {
        if (string.IsNullOrEmpty(value) || !SecretNamePattern().IsMatch(value))
        {
            add(field, Codes.InvalidSecretReference, "must name a secret: 1-127 letters, digits or '-' (a Key Vault secret name), never the secret itself");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex EndpointIdPattern();

    [GeneratedRegex("^[A-Za-z0-9-]{1,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex SecretNamePattern();
}
