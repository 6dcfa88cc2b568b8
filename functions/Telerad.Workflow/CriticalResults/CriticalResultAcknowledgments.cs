using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telerad.Auditing;
using Telerad.Notifications;

namespace Telerad.Workflow;

/// <summary>
/// An acknowledgment as the API receives it: the link's token, the recipient the API identified (the signed-in person,
/// or the <c>recipient</c> of a bare link), how, and for a phone read-back who recorded it. <see cref="StudyKey"/> and
/// <see cref="ReportId"/> are the route's, when the API has them: they must then match the token.
/// </summary>
public sealed record AcknowledgeRequest(string Token, string RecipientId, string Method, string? RecordedBy = null, string? StudyKey = null, string? ReportId = null);

/// <summary>The handler's answer: acknowledged (this call), already acknowledged (by whoever was first), or refused with a code.</summary>
public sealed record AcknowledgeResult(string Status, string? Code, string? Tenant, string? StudyKey, string? ReportId, CriticalResultAcknowledgment? Acknowledgment)
{
    public const string Acknowledged = "acknowledged";
    public const string AlreadyAcknowledged = "already-acknowledged";
    public const string Refused = "refused";

    public static AcknowledgeResult Refuse(string code, LinkClaims? claims = null) => new(Refused, code, claims?.Tenant, claims?.StudyKey, claims?.Subject, null);
}

/// <summary>Why an acknowledgment was refused: the link-token codes (<see cref="LinkTokenException"/>), and these.</summary>
public static class AcknowledgeRefusals
{
    /// <summary>The token was issued to another recipient (the link-token code wrong-radiologist, named for this use).</summary>
    public const string WrongRecipient = "wrong-recipient";

    public const string UnknownMethod = "unknown-method";

    /// <summary>A phone read-back without the operations person who recorded it, or a link acknowledgment claiming one.</summary>
    public const string MissingRecorder = "missing-recorder";
}

/// <summary>
/// The core of the acknowledgment endpoint (hosting is the API's): verifies the token (signature, expiry, issued to this
/// recipient for acknowledging this report of this study), stores the acknowledgment once, audits, and tells the loop.
/// Acknowledging twice is harmless: the first acknowledgment stands and is what the loop receives. An acknowledgment
/// after the loop ended unacknowledged (operations' phone read-back after the emergency alert) is stored and the
/// metrics record is updated with it.
/// </summary>
public sealed class CriticalResultAcknowledgments(LinkTokens tokens, CriticalResultRecords records, IAuditLog audit, TimeProvider clock, ILogger<CriticalResultAcknowledgments>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<CriticalResultAcknowledgments>.Instance;

    /// <param name="engine">The durable engine (Functions: the HTTP trigger's [DurableClient]; Telerad.Local: its task hub).</param>
    public async Task<AcknowledgeResult> AcknowledgeAsync(AcknowledgeRequest request, IOrchestrationGateway engine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(engine);
        LinkClaims claims;
        try
        {
            var genuine = tokens.VerifySignatureAndExpiry(request.Token);
            claims = tokens.Verify(request.Token, request.RecipientId ?? string.Empty, request.StudyKey ?? genuine.StudyKey, LinkActions.Acknowledge, request.ReportId ?? genuine.Subject ?? string.Empty);
        }
        catch (LinkTokenException e)
        {
            var code = e.Code == LinkTokenException.WrongRadiologist ? AcknowledgeRefusals.WrongRecipient : e.Code;
            return await RefuseAsync(request, code, TryReadClaims(request.Token), cancellationToken);
        }

        if (!AcknowledgmentMethods.IsKnown(request.Method))
        {
            return await RefuseAsync(request, AcknowledgeRefusals.UnknownMethod, claims, cancellationToken);
        }

        if ((request.Method == AcknowledgmentMethods.PhoneReadBack) != !string.IsNullOrWhiteSpace(request.RecordedBy))
        {
            return await RefuseAsync(request, AcknowledgeRefusals.MissingRecorder, claims, cancellationToken);
        }

        var (tenant, studyKey, reportId) = (claims.Tenant, claims.StudyKey, claims.Subject!);
        var attempts = await records.ListAttemptsAsync(tenant, studyKey, reportId, cancellationToken);
        var kind = attempts.LastOrDefault(a => a.RecipientId == claims.RadiologistId && a.RecipientKind != CriticalRecipientKinds.Emergency)?.RecipientKind;
        var (stored, created) = await records.CreateAcknowledgmentAsync(new CriticalResultAcknowledgmentRecord
        {
            Tenant = tenant,
            StudyKey = studyKey,
            ReportId = reportId,
            RecipientId = claims.RadiologistId,
            RecipientKind = kind,
            Method = request.Method,
            RecordedBy = request.RecordedBy,
            AcknowledgedUtc = clock.GetUtcNow(),
        }, cancellationToken);
        var acknowledgment = stored.ToAcknowledgment();
        var purpose = request.RecordedBy is { } recorder ? $"{reportId}:{request.Method}:recorded-by:{recorder}" : $"{reportId}:{request.Method}";
        await AuditAsync(tenant, claims.RadiologistId, created ? "critical-result.acknowledged" : "critical-result.acknowledgment-repeated", studyKey, purpose, AuditOutcome.Granted, cancellationToken);

        // Ended already (unacknowledged)? Then the metrics take the acknowledgment now; still running? The loop is told.
        // The stored acknowledgment is what is sent, so however many arrive, the loop hears about the first.
        await records.ApplyLateAcknowledgmentAsync(tenant, studyKey, reportId, acknowledgment, cancellationToken);
        var instanceId = CriticalResult.InstanceId(tenant, studyKey, reportId);
        if ((await engine.GetStateAsync(instanceId, cancellationToken)).Running)
        {
            await engine.RaiseEventAsync(instanceId, CriticalResult.EventName, acknowledgment, cancellationToken);
        }

        return new AcknowledgeResult(created ? AcknowledgeResult.Acknowledged : AcknowledgeResult.AlreadyAcknowledged, null, tenant, studyKey, reportId, acknowledgment);
    }

    private async Task<AcknowledgeResult> RefuseAsync(AcknowledgeRequest request, string code, LinkClaims? claims, CancellationToken cancellationToken)
    {
        CriticalResultLog.AcknowledgmentRefused(_logger, code);
        // A refused token's claims are trusted only as far as the signature goes: a forged one is audited under "unknown".
        await AuditAsync(claims?.Tenant ?? "unknown", request.RecipientId, "critical-result.acknowledgment-refused", claims?.StudyKey ?? "unknown", code, AuditOutcome.Denied, cancellationToken);
        return AcknowledgeResult.Refuse(code, claims);
    }

    /// <summary>The claims of a genuine, unexpired token refused for another reason (foreign recipient, study or report): its tenant and study are real. Else null.</summary>
    private LinkClaims? TryReadClaims(string token)
    {
        try
        {
            return tokens.VerifySignatureAndExpiry(token);
        }
        catch (LinkTokenException)
        {
            return null;
        }
    }

    private Task AuditAsync(string tenant, string actor, string action, string studyKey, string purpose, AuditOutcome outcome, CancellationToken cancellationToken) =>
        audit.WriteAsync(new AuditRecord(clock.GetUtcNow(), AuditIds.Safe(tenant), AuditIds.Safe(actor), action, AuditIds.Safe(studyKey), AuditIds.Safe(purpose), outcome), cancellationToken);
}
