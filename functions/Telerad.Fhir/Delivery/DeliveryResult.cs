using System.Globalization;
using System.Text;
using Hl7.Fhir.Model;

namespace Telerad.Fhir.Delivery;

/// <summary>
/// How a delivery ended: <see cref="Delivered"/>, <see cref="RetryableFailureExhausted"/> (the EHR may take it later:
/// schedule another delivery) or <see cref="PermanentFailure"/> (it will not: dead-letter and alert operations).
/// Every result carries the endpoint id, the attempts made and the time taken.
/// </summary>
public abstract record DeliveryResult(string EndpointId, int Attempts, TimeSpan Elapsed);

/// <summary>The EHR accepted the transaction (HTTP 2xx); <see cref="Entries"/> is its transaction-response, entry by entry.</summary>
public sealed record Delivered(string EndpointId, int Attempts, TimeSpan Elapsed, int StatusCode, IReadOnlyList<TransactionEntryResponse> Entries)
    : DeliveryResult(EndpointId, Attempts, Elapsed);

/// <summary>
/// Every attempt failed in a way that may pass (408, 429, 5xx, timeouts, connection failures, token endpoint down)
/// and the attempts or the time ran out. <see cref="RetryNotBefore"/> is set when the server asked (Retry-After) for
/// a wait longer than this delivery could make.
/// </summary>
public sealed record RetryableFailureExhausted(
    string EndpointId,
    int Attempts,
    TimeSpan Elapsed,
    DeliveryFailureKind LastFailure,
    int? LastStatusCode,
    DateTimeOffset? RetryNotBefore) : DeliveryResult(EndpointId, Attempts, Elapsed);

/// <summary>
/// The EHR (or its authorization server) refused in a way that retrying will not change. <see cref="Outcome"/> is the
/// server's OperationOutcome when it sent one. It may echo patient data: keep it with the dead-letter record (stored
/// like the report), never in logs, exception messages, telemetry or orchestration history. <see cref="ToString"/>
/// leaves it out for that reason.
/// </summary>
public sealed record PermanentFailure(
    string EndpointId,
    int Attempts,
    TimeSpan Elapsed,
    PermanentFailureReason Reason,
    int? StatusCode,
    OperationOutcome? Outcome) : DeliveryResult(EndpointId, Attempts, Elapsed)
{
    protected override bool PrintMembers(StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append(CultureInfo.InvariantCulture, $"EndpointId = {EndpointId}, Attempts = {Attempts}, Elapsed = {Elapsed}, Reason = {Reason}, StatusCode = {StatusCode}, ");
        builder.Append(CultureInfo.InvariantCulture, $"Outcome = {(Outcome is null ? "none" : $"{Outcome.Issue.Count} issue(s), not printed")}");
        return true;
    }
}

/// <summary>Why an attempt failed in a retryable way.</summary>
public enum DeliveryFailureKind
{
    /// <summary>HTTP 5xx.</summary>
    ServerError,

    /// <summary>HTTP 429 Too Many Requests.</summary>
    Throttled,

    /// <summary>HTTP 408 Request Timeout.</summary>
    RequestTimeout,

    /// <summary>No answer within <see cref="FhirDeliveryOptions.AttemptTimeout"/>.</summary>
    Timeout,

    /// <summary>The connection could not be made or broke.</summary>
    ConnectionFailed,

    /// <summary>No access token: the token endpoint, Key Vault or the identity endpoint failed in a retryable way.</summary>
    TokenUnavailable,
}

/// <summary>Why a delivery failed for good.</summary>
public enum PermanentFailureReason
{
    /// <summary>The FHIR server refused the transaction (4xx other than 401/408/429), usually with an OperationOutcome.</summary>
    Rejected,

    /// <summary>HTTP 401 again after a fresh token, or 401 from an endpoint configured without authentication.</summary>
    Unauthorized,

    /// <summary>No token could be had: the authorization server refused the client, or the key or secret is missing or unusable.</summary>
    AuthenticationFailed,

    /// <summary>An answer that is neither success nor error (e.g. a redirect).</summary>
    UnexpectedResponse,
}

/// <summary>
/// One entry of a transaction-response (FHIR R4 Bundle.entry.response), in the order of the request's entries:
/// the status (201 created, 200 found or updated), and where the resource now is.
/// </summary>
/// <param name="Index">The entry's position in the request bundle.</param>
/// <param name="Status">Bundle.entry.response.status as sent (e.g. "201 Created").</param>
/// <param name="StatusCode">Its leading 3-digit HTTP code, or 0 if it has none.</param>
/// <param name="Location">Bundle.entry.response.location as sent (relative or absolute).</param>
/// <param name="ResourceType">Parsed from the location.</param>
/// <param name="ResourceId">Parsed from the location.</param>
/// <param name="VersionId">Parsed from the location's _history segment, if any.</param>
public sealed record TransactionEntryResponse(
    int Index,
    string Status,
    int StatusCode,
    string? Location,
    string? ResourceType,
    string? ResourceId,
    string? VersionId,
    string? ETag,
    DateTimeOffset? LastModified);
