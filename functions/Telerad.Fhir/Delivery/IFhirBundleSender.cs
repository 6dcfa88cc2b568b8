using Hl7.Fhir.Model;

namespace Telerad.Fhir;

/// <summary>
/// Sends a transaction bundle to a referrer's FHIR endpoint (by its configured id: base URL and authentication are the
/// sender's business) and says how it went. Transient failures the sender could not overcome are
/// <see cref="FhirSendOutcome.Retryable"/>; refusals are <see cref="FhirSendOutcome.Permanent"/>.
/// </summary>
public interface IFhirBundleSender
{
    Task<FhirSendOutcome> SendAsync(string endpointId, Bundle bundle, CancellationToken cancellationToken = default);
}

/// <summary>How a send ended: status, the HTTP status if there was one, a short code, the OperationOutcome's issue codes
/// (never its text: it may echo PHI) and the locations of what the server created or updated.</summary>
public sealed record FhirSendOutcome(string Status, int? HttpStatus, string Code, IReadOnlyList<string> IssueCodes, IReadOnlyList<string> Locations)
{
    public const string Delivered = "delivered";
    public const string Retryable = "retryable";
    public const string Permanent = "permanent";
}
