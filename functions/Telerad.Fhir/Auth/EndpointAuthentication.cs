namespace Telerad.Fhir.Auth;

/// <summary>
/// How Telerad authenticates to one referrer's FHIR endpoint. One of <see cref="NoAuthentication"/> (loopback test
/// servers only), <see cref="SmartBackendServicesAuthentication"/>, <see cref="ClientCredentialsAuthentication"/> or
/// <see cref="ManagedIdentityAuthentication"/>. Records compare by value, so a changed configuration gets a new token cache.
/// Secrets are never here: only references to them (<see cref="ISecretStore"/>).
/// </summary>
public abstract record EndpointAuthentication
{
    /// <summary>The configuration's "kind" (docs/results-delivery.md).</summary>
    public abstract string Kind { get; }
}

/// <summary>No Authorization header. Allowed only for endpoints on the loopback interface (local test servers).</summary>
public sealed record NoAuthentication : EndpointAuthentication
{
    public const string KindName = "none";

    public static NoAuthentication Instance { get; } = new();

    public override string Kind => KindName;
}

/// <summary>
/// SMART Backend Services (HL7 SMART App Launch 2.x, backend-services.html): an OAuth 2.0 client credentials grant
/// whose client authenticates with a private_key_jwt assertion (RFC 7523) signed with the key stored under
/// <see cref="SigningKeyReference"/> and published to the EHR's authorization server under <see cref="KeyId"/>.
/// </summary>
/// <param name="TokenUrl">The EHR's token endpoint; also the assertion's aud.</param>
/// <param name="ClientId">The client id the EHR registered for Telerad; the assertion's iss and sub.</param>
/// <param name="KeyId">The kid of the public key in the JWKS registered with the EHR.</param>
/// <param name="SigningKeyReference">Name of the secret (Key Vault) holding the PEM private key (PKCS#8 or PKCS#1/SEC1).</param>
/// <param name="Algorithm">RS384 or ES384, the two algorithms SMART requires servers to support.</param>
/// <param name="Scope">System scopes, space separated (e.g. <c>system/DiagnosticReport.write system/Observation.write</c>).</param>
public sealed record SmartBackendServicesAuthentication(
    Uri TokenUrl,
    string ClientId,
    string KeyId,
    string SigningKeyReference,
    ClientAssertionAlgorithm Algorithm,
    string Scope) : EndpointAuthentication
{
    public const string KindName = "smart-backend-services";

    public override string Kind => KindName;
}

/// <summary>OAuth 2.0 client credentials grant (RFC 6749 §4.4) with a client id and secret (HTTP Basic, §2.3.1).</summary>
/// <param name="SecretReference">Name of the secret (Key Vault) holding the client secret.</param>
public sealed record ClientCredentialsAuthentication(Uri TokenUrl, string ClientId, string SecretReference, string Scope) : EndpointAuthentication
{
    public const string KindName = "client-credentials";

    public override string Kind => KindName;
}

/// <summary>
/// An Entra ID token for the Function app's managed identity, for Azure Health Data Services FHIR
/// (scope <c>https://{workspace}-{service}.fhir.azurehealthcareapis.com/.default</c>), through the Azure.Core
/// <c>TokenCredential</c> the host provides.
/// </summary>
public sealed record ManagedIdentityAuthentication(string Scope) : EndpointAuthentication
{
    public const string KindName = "managed-identity";

    public override string Kind => KindName;
}

/// <summary>The JWS algorithms SMART Backend Services servers must support (SMART App Launch 2.x).</summary>
public enum ClientAssertionAlgorithm
{
    /// <summary>RSASSA-PKCS1-v1_5 with SHA-384 (RFC 7518 §3.3); RSA keys of at least 2048 bits.</summary>
    RS384,

    /// <summary>ECDSA with P-384 and SHA-384 (RFC 7518 §3.4).</summary>
    ES384,
}
