using System.Buffers.Text;
using System.Text;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Time.Testing;
using Telerad.Auditing;
using Telerad.Notifications;

namespace Telerad.Workflow.Tests.CriticalResults;

/// <summary>
/// The acknowledgment handler against a running loop on the real engine: forged, expired and foreign tokens are
/// refused with their code, audited as denied, and change nothing (no acknowledgment stored, the loop still waiting);
/// the genuine one then closes the loop.
/// </summary>
public sealed class AcknowledgmentTokenTests : IAsyncLifetime
{
    private CriticalResultHost _host = null!;
    private string _study = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _host = await CriticalResultHost.StartAsync();
        _study = _host.NewStudy("slow", "ref-slow");
        await _host.StartLoopAsync(CriticalResultHost.Request("slow", _study));
        var alert = await _host.WaitForAsync(_study, NotificationKinds.CriticalResult, "slow-clinician");
        _token = CriticalResultHost.TokenOf(alert.Links[LinkActions.Acknowledge]);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<AcknowledgeResult> AcknowledgeAsync(AcknowledgeRequest request, TimeProvider? clock = null) =>
        _host.Acknowledgments(clock).AcknowledgeAsync(request, _host.Gateway);

    private async Task AssertRefusedAsync(string code, AcknowledgeRequest request, TimeProvider? clock = null)
    {
        var result = await AcknowledgeAsync(request, clock);
        Assert.Equal((AcknowledgeResult.Refused, code), (result.Status, result.Code));
        Assert.Null(result.Acknowledgment);
    }

    /// <summary>The token with its payload's recipient changed and the original signature kept.</summary>
    private static string Tampered(string token, string recipient)
    {
        var parts = token.Split('.');
        var json = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("\"slow-clinician\"", $"\"{recipient}\"", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json))}.{parts[2]}";
    }

    [Fact]
    public async Task Forged_tokens_are_refused()
    {
        var otherKeys = LinkSigningKeys.Generate(_host.Keys.CurrentKeyId); // same key id, another secret
        var claims = new LinkTokens(_host.Keys, TimeProvider.System).Verify(_token, "slow-clinician", _study, LinkActions.Acknowledge, "rep-1");
        var signedElsewhere = new LinkTokens(otherKeys, TimeProvider.System).Issue(claims);

        await AssertRefusedAsync(LinkTokenException.BadSignature, new AcknowledgeRequest(Tampered(_token, "ed-attending"), "ed-attending", AcknowledgmentMethods.Link));
        await AssertRefusedAsync(LinkTokenException.BadSignature, new AcknowledgeRequest(signedElsewhere, "slow-clinician", AcknowledgmentMethods.Link));
        await AssertRefusedAsync(LinkTokenException.Malformed, new AcknowledgeRequest("not-a-token", "slow-clinician", AcknowledgmentMethods.Link));
        await AssertRefusedAsync(LinkTokenException.UnknownKey, new AcknowledgeRequest(new LinkTokens(LinkSigningKeys.Generate("k9"), TimeProvider.System).Issue(claims), "slow-clinician", AcknowledgmentMethods.Link));

        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var expired = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60) + new CriticalResultOptions().LateAcknowledgmentWindow + TimeSpan.FromMinutes(2));

        await AssertRefusedAsync(LinkTokenException.Expired, new AcknowledgeRequest(_token, "slow-clinician", AcknowledgmentMethods.Link), expired);

        await AssertNothingChangedAsync();
        // Within its life the same token works: the refusal was the expiry.
        var inTime = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromHours(23));
        Assert.Equal(AcknowledgeResult.Acknowledged, (await AcknowledgeAsync(new AcknowledgeRequest(_token, "slow-clinician", AcknowledgmentMethods.Link), inTime)).Status);
    }

    [Fact]
    public async Task Foreign_tokens_and_bad_requests_are_refused()
    {
        var radiologistLink = new LinkTokens(_host.Keys, TimeProvider.System).Issue(new LinkClaims("slow", _study, "slow-clinician", LinkActions.Accept, DateTimeOffset.UtcNow.AddHours(1)));

        await AssertRefusedAsync(AcknowledgeRefusals.WrongRecipient, new AcknowledgeRequest(_token, "ed-attending", AcknowledgmentMethods.Link));
        await AssertRefusedAsync(LinkTokenException.WrongStudy, new AcknowledgeRequest(_token, "slow-clinician", AcknowledgmentMethods.Link, StudyKey: "2.25.1"));
        await AssertRefusedAsync(LinkTokenException.WrongSubject, new AcknowledgeRequest(_token, "slow-clinician", AcknowledgmentMethods.Link, ReportId: "rep-2"));
        await AssertRefusedAsync(LinkTokenException.WrongAction, new AcknowledgeRequest(radiologistLink, "slow-clinician", AcknowledgmentMethods.Link));
        await AssertRefusedAsync(AcknowledgeRefusals.UnknownMethod, new AcknowledgeRequest(_token, "slow-clinician", "carrier-pigeon"));
        await AssertRefusedAsync(AcknowledgeRefusals.MissingRecorder, new AcknowledgeRequest(_token, "slow-clinician", AcknowledgmentMethods.PhoneReadBack));
        await AssertRefusedAsync(AcknowledgeRefusals.MissingRecorder, new AcknowledgeRequest(_token, "slow-clinician", AcknowledgmentMethods.Link, RecordedBy: "ops-desk"));

        await AssertNothingChangedAsync();
        Assert.Contains(_host.Audit(_study), r => r.Action == "critical-result.acknowledgment-refused" && r.Purpose == AcknowledgeRefusals.WrongRecipient && r.Actor == "ed-attending");

        // The genuine request with the route's study and report is accepted and closes the loop.
        var result = await AcknowledgeAsync(new AcknowledgeRequest(_token, "slow-clinician", AcknowledgmentMethods.Link, StudyKey: _study, ReportId: "rep-1"));
        Assert.Equal(AcknowledgeResult.Acknowledged, result.Status);
        Assert.Equal(CriticalResultOutcome.Acknowledged, (await _host.OutcomeAsync("slow", _study, seconds: 10)).Status);
    }

    private async Task AssertNothingChangedAsync()
    {
        Assert.Null(await _host.Records.ReadAcknowledgmentAsync("slow", _study, "rep-1"));
        Assert.Equal(OrchestrationRuntimeStatus.Running, await _host.StatusAsync(CriticalResult.InstanceId("slow", _study, "rep-1")));
        Assert.All(_host.AuditAll().Where(r => r.Action == "critical-result.acknowledgment-refused"), r => Assert.Equal(AuditOutcome.Denied, r.Outcome));
        Assert.DoesNotContain(_host.AuditAll(), r => r.Action == "critical-result.acknowledged");
    }
}
