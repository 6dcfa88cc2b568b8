using System.Buffers.Text;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Telerad.Notifications.Tests;

/// <summary>The critical-result additions to the contract: the topic and kinds, the new fields, acknowledge links bound to a report.</summary>
public sealed class CriticalResultContractTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);
    private readonly LinkTokens _tokens = new(LinkSigningKeys.Generate(), new FakeTimeProvider(Now));

    [Theory]
    [InlineData(NotificationKinds.CriticalResult, NotificationTopics.CriticalResults)]
    [InlineData(NotificationKinds.CriticalResultAiHeadsUp, NotificationTopics.CriticalResults)]
    [InlineData(NotificationKinds.CriticalResultUnacknowledged, NotificationTopics.Operations)]
    public void Critical_result_kinds_have_their_topics(string kind, string topic) => Assert.Equal(topic, NotificationKinds.TopicOf(kind));

    [Fact]
    public void Every_topic_is_listed_once() =>
        Assert.Equal(["critical-results", "operations-alerts", "radiologist-notifications"], NotificationTopics.All.Order(StringComparer.Ordinal));

    [Fact]
    public void The_new_fields_round_trip_and_are_absent_from_messages_that_do_not_use_them()
    {
        var alert = new Notification
        {
            MessageId = Notification.DeterministicId(NotificationKinds.CriticalResultAiHeadsUp, "t", "2.25.7", "c-1", "ai-triage"),
            Topic = NotificationTopics.CriticalResults,
            Kind = NotificationKinds.CriticalResultAiHeadsUp,
            Tenant = "t",
            StudyKey = "2.25.7",
            RecipientId = "c-1",
            RecipientKind = "clinician",
            ReportId = "r-1",
            Severity = "red",
            Label = NotificationLabels.NonDiagnosticAi,
            CreatedUtc = Now,
        };

        var parsed = NotificationJson.Parse(NotificationJson.Serialize(alert));

        Assert.Equal(alert with { Links = parsed.Links }, parsed);
        Assert.Contains("\"label\":\"NON-DIAGNOSTIC", Encoding.UTF8.GetString(NotificationJson.Serialize(alert)), StringComparison.Ordinal);
        Assert.Contains("\"version\":1", Encoding.UTF8.GetString(NotificationJson.Serialize(alert)), StringComparison.Ordinal);
    }

    [Fact]
    public void An_acknowledge_token_is_bound_to_its_report()
    {
        var token = _tokens.Issue(new LinkClaims("t", "2.25.7", "c-1", LinkActions.Acknowledge, Now.AddHours(2), Subject: "r-1"));

        Assert.Equal("r-1", _tokens.Verify(token, "c-1", "2.25.7", LinkActions.Acknowledge, "r-1").Subject);
        Assert.Equal(LinkTokenException.WrongSubject, Assert.Throws<LinkTokenException>(() => _tokens.Verify(token, "c-1", "2.25.7", LinkActions.Acknowledge, "r-2")).Code);
        Assert.Equal(LinkTokenException.WrongRadiologist, Assert.Throws<LinkTokenException>(() => _tokens.Verify(token, "c-2", "2.25.7", LinkActions.Acknowledge, "r-1")).Code);
    }

    [Fact]
    public void A_token_without_a_subject_is_written_as_before_and_matches_no_subject()
    {
        var token = _tokens.Issue(new LinkClaims("t", "2.25.7", "rad-1", LinkActions.Accept, Now.AddHours(2)));
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[1]));

        Assert.DoesNotContain("\"o\"", payload, StringComparison.Ordinal);
        Assert.Null(_tokens.Verify(token, "rad-1", "2.25.7", LinkActions.Accept).Subject);
        Assert.Equal(LinkTokenException.WrongSubject, Assert.Throws<LinkTokenException>(() => _tokens.Verify(token, "rad-1", "2.25.7", LinkActions.Accept, "r-1")).Code);
    }
}
