using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Telerad.Notifications;

namespace Telerad.Azure.Tests;

/// <summary>The local notification transport on a real Azurite: queues per topic, the outbox table, duplicates dropped.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueueNotificationPublisherTests(AzuriteFixture azurite)
{
    private static Notification Offer(string study, string radiologist, string occurrence = "1") => new()
    {
        MessageId = Notification.DeterministicId(NotificationKinds.AssignmentOffered, "hospital-a", study, radiologist, occurrence),
        Topic = NotificationTopics.Radiologists,
        Kind = NotificationKinds.AssignmentOffered,
        Tenant = "hospital-a",
        StudyKey = study,
        RadiologistId = radiologist,
        Priority = "STAT",
        CreatedUtc = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task A_notification_is_queued_on_its_topic_once_and_listed_in_the_outbox()
    {
        var queues = new QueueServiceClient(azurite.ConnectionString);
        var publisher = new QueueNotificationPublisher(queues, new TableServiceClient(azurite.ConnectionString));
        var study = "2.25." + Random.Shared.NextInt64();
        var offer = Offer(study, "rad-1");
        var alert = new Notification
        {
            MessageId = Notification.DeterministicId(NotificationKinds.NoEligibleRadiologist, "hospital-a", study, null, "1"),
            Topic = NotificationTopics.Operations,
            Kind = NotificationKinds.NoEligibleRadiologist,
            Tenant = "hospital-a",
            StudyKey = study,
            CreatedUtc = DateTimeOffset.UtcNow,
            Reason = "no eligible radiologist: 2 off shift",
        };

        await publisher.PublishAsync(offer);
        await publisher.PublishAsync(offer); // a retried activity
        await publisher.PublishAsync(alert);

        var received = await DrainAsync(queues.GetQueueClient(NotificationTopics.Radiologists), study);
        Assert.Equal([offer.MessageId], received.Select(n => n.MessageId));
        Assert.Equal("rad-1", received[0].RadiologistId);
        var alerts = await DrainAsync(queues.GetQueueClient(NotificationTopics.Operations), study);
        Assert.Equal(NotificationKinds.NoEligibleRadiologist, Assert.Single(alerts).Kind);

        var outbox = await publisher.ListAsync();
        Assert.Single(outbox, n => n.MessageId == offer.MessageId);
        Assert.Single(outbox, n => n.MessageId == alert.MessageId);
        Assert.All(await publisher.ListAsync(NotificationTopics.Operations), n => Assert.Equal(NotificationTopics.Operations, n.Topic));
    }

    [Fact]
    public async Task A_notification_recorded_but_never_queued_is_queued_by_the_retry()
    {
        var queues = new QueueServiceClient(azurite.ConnectionString);
        var tables = new TableServiceClient(azurite.ConnectionString);
        var publisher = new QueueNotificationPublisher(queues, tables);
        var study = "2.25." + Random.Shared.NextInt64();
        var offer = Offer(study, "rad-2");
        await publisher.ListAsync(); // creates the outbox table and queues

        // What a host that stopped between recording and queueing leaves behind.
        await tables.GetTableClient(QueueNotificationPublisher.OutboxTable).AddEntityAsync(new TableEntity(offer.Topic, offer.MessageId)
        {
            ["Json"] = Encoding.UTF8.GetString(NotificationJson.Serialize(offer)),
            ["Sent"] = false,
        });
        await publisher.PublishAsync(offer);

        Assert.Equal([offer.MessageId], (await DrainAsync(queues.GetQueueClient(NotificationTopics.Radiologists), study)).Select(n => n.MessageId));
    }

    /// <summary>Receives and deletes this test's messages (other tests share the queue).</summary>
    private static async Task<List<Notification>> DrainAsync(QueueClient queue, string study)
    {
        var mine = new List<Notification>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var batch = (await queue.ReceiveMessagesAsync(maxMessages: 32, visibilityTimeout: TimeSpan.FromSeconds(1))).Value;
            foreach (var message in batch)
            {
                var notification = NotificationJson.Parse(Convert.FromBase64String(message.MessageText));
                if (notification.StudyKey == study)
                {
                    mine.Add(notification);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
            }

            if (batch.Length == 0)
            {
                break;
            }
        }

        return mine;
    }
}
