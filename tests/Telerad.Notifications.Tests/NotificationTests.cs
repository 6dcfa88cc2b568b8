using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Telerad.Notifications.Tests;

public sealed class NotificationTests
{
    [Fact]
    public void The_same_event_gets_the_same_id_and_any_difference_another()
    {
        var id = Notification.DeterministicId(NotificationKinds.Reminder, "hospital-a", "2.25.1", "rad-1", "reminder-2");

        Assert.Equal(id, Notification.DeterministicId(NotificationKinds.Reminder, "hospital-a", "2.25.1", "rad-1", "reminder-2"));
        Assert.Equal(32, id.Length);
        Assert.All(new[]
        {
            Notification.DeterministicId(NotificationKinds.Reminder, "hospital-a", "2.25.1", "rad-1", "reminder-3"),
            Notification.DeterministicId(NotificationKinds.Reminder, "hospital-a", "2.25.1", "rad-2", "reminder-2"),
            Notification.DeterministicId(NotificationKinds.Reminder, "hospital-b", "2.25.1", "rad-1", "reminder-2"),
            Notification.DeterministicId(NotificationKinds.SlaWarning, "hospital-a", "2.25.1", "rad-1", "reminder-2"),
            Notification.DeterministicId(NotificationKinds.Reminder, "hospital-a", "2.25.12", "rad-1", "reminder-2"),
        }, other => Assert.NotEqual(id, other));
        // Field boundaries matter: "a" + "bc" is not "ab" + "c".
        Assert.NotEqual(Notification.DeterministicId("k", "a", "bc", null, "1"), Notification.DeterministicId("k", "ab", "c", null, "1"));
    }

    [Theory]
    [InlineData(NotificationKinds.AssignmentOffered, NotificationTopics.Radiologists)]
    [InlineData(NotificationKinds.Reminder, NotificationTopics.Radiologists)]
    [InlineData(NotificationKinds.NoEligibleRadiologist, NotificationTopics.Operations)]
    [InlineData(NotificationKinds.SlaBreached, NotificationTopics.Operations)]
    public void Each_kind_has_its_topic(string kind, string topic) => Assert.Equal(topic, NotificationKinds.TopicOf(kind));

    [Fact]
    public void An_unknown_kind_is_an_error() => Assert.Throws<ArgumentException>(() => NotificationKinds.TopicOf("gossip"));

    [Fact]
    public void The_wire_format_round_trips_with_its_version()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
        var links = new StudyLinks(new LinkTokens(LinkSigningKeys.Generate(), clock), new StudyLinkOptions(), clock).For("hospital-a", "2.25.7", "rad-1");
        var notification = new Notification
        {
            MessageId = Notification.DeterministicId(NotificationKinds.AssignmentOffered, "hospital-a", "2.25.7", "rad-1", "1"),
            Topic = NotificationTopics.Radiologists,
            Kind = NotificationKinds.AssignmentOffered,
            Tenant = "hospital-a",
            StudyKey = "2.25.7",
            RadiologistId = "rad-1",
            Priority = "STAT",
            DeadlineUtc = clock.GetUtcNow().AddHours(1),
            CreatedUtc = clock.GetUtcNow(),
            Links = links,
        };

        var json = NotificationJson.Serialize(notification);
        var parsed = NotificationJson.Parse(json);

        Assert.Equal(notification with { Links = parsed.Links }, parsed);
        Assert.Equal(links, parsed.Links);
        Assert.Contains("\"version\":1", Encoding.UTF8.GetString(json), StringComparison.Ordinal);
    }
}
