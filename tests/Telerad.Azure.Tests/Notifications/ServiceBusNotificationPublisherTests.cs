using Azure.Messaging.ServiceBus;
using Telerad.Notifications;

namespace Telerad.Azure.Tests;

/// <summary>
/// The Service Bus publisher with a recording sender: Service Bus cannot run here, so the sender is a stand-in
/// (ServiceBusSender's mocking constructor) and the test checks the messages the SDK would send.
/// </summary>
public sealed class ServiceBusNotificationPublisherTests
{
    private sealed class RecordingSender(string topic) : ServiceBusSender
    {
        public List<ServiceBusMessage> Sent { get; } = [];

        public override string EntityPath => topic;

        public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
        {
            Sent.Add(message);
            return Task.CompletedTask;
        }

        public override Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    [Fact]
    public async Task Stand_in_sender_gets_the_deterministic_id_the_study_as_session_and_filterable_properties()
    {
        var senders = new Dictionary<string, RecordingSender>();
        await using var publisher = new ServiceBusNotificationPublisher(topic => senders[topic] = new RecordingSender(topic));
        var notification = new Notification
        {
            MessageId = Notification.DeterministicId(NotificationKinds.Reminder, "hospital-a", "2.25.5", "rad-3", "reminder-1"),
            Topic = NotificationTopics.Radiologists,
            Kind = NotificationKinds.Reminder,
            Tenant = "hospital-a",
            StudyKey = "2.25.5",
            RadiologistId = "rad-3",
            Priority = "ROUTINE",
            CreatedUtc = DateTimeOffset.UtcNow,
        };

        await publisher.PublishAsync(notification);
        await publisher.PublishAsync(notification with { Kind = NotificationKinds.SlaWarning, MessageId = "other" });

        var sender = Assert.Single(senders).Value; // one sender per topic, reused
        Assert.Equal(NotificationTopics.Radiologists, sender.EntityPath);
        var message = sender.Sent[0];
        Assert.Equal(notification.MessageId, message.MessageId);
        Assert.Equal("2.25.5", message.SessionId);
        Assert.Equal(NotificationKinds.Reminder, message.Subject);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal("rad-3", message.ApplicationProperties["radiologistId"]);
        Assert.Equal("hospital-a", message.ApplicationProperties["tenant"]);
        Assert.Equal(Notification.SchemaVersion, message.ApplicationProperties["schemaVersion"]);
        Assert.Equal(notification, NotificationJson.Parse(message.Body.ToArray()) with { Links = notification.Links });
        Assert.Equal(2, sender.Sent.Count);
    }

    [Fact]
    public void An_operations_alert_has_no_radiologist_property()
    {
        var message = ServiceBusNotificationPublisher.ToMessage(new Notification
        {
            MessageId = "m",
            Topic = NotificationTopics.Operations,
            Kind = NotificationKinds.SlaBreached,
            Tenant = "hospital-a",
            StudyKey = "2.25.6",
            CreatedUtc = DateTimeOffset.UtcNow,
        });

        Assert.False(message.ApplicationProperties.ContainsKey("radiologistId"));
        Assert.Equal(NotificationKinds.SlaBreached, message.ApplicationProperties["kind"]);
    }
}
