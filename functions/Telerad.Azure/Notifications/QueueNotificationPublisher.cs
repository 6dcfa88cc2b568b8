using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Telerad.Notifications;

namespace Telerad.Azure;

/// <summary>
/// The local transport (Telerad.Local, tests): one Azurite queue per topic, and an outbox table that records every
/// notification once by its message id: the outbox view of Telerad.Local, and the duplicate detection Service Bus
/// does in Azure. A notification recorded but not yet queued (the host stopped in between) is queued by the retry;
/// one queued but not yet marked sent may be queued twice (at least once; consumers dedupe by message id).
/// </summary>
public sealed class QueueNotificationPublisher(QueueServiceClient queues, TableServiceClient tables) : INotificationPublisher
{
    public const string OutboxTable = "NotificationOutbox";

    private readonly TableClient _outbox = tables.GetTableClient(OutboxTable);
    private readonly Lazy<Task> _created = new(() => CreateAsync(queues, tables));

    public async Task PublishAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        await _created.Value.WaitAsync(cancellationToken);
        var json = NotificationJson.Serialize(notification);
        var entity = new TableEntity(notification.Topic, notification.MessageId)
        {
            ["Kind"] = notification.Kind,
            ["Tenant"] = notification.Tenant,
            ["StudyKey"] = notification.StudyKey,
            ["RadiologistId"] = notification.RadiologistId,
            ["CreatedUtc"] = notification.CreatedUtc,
            ["Json"] = Encoding.UTF8.GetString(json),
            ["Sent"] = false,
        };
        try
        {
            await _outbox.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var existing = await _outbox.GetEntityAsync<TableEntity>(notification.Topic, notification.MessageId, cancellationToken: cancellationToken);
            if (existing.Value.GetBoolean("Sent") == true)
            {
                return; // a duplicate: delivered once already
            }
        }

        await queues.GetQueueClient(notification.Topic).SendMessageAsync(Convert.ToBase64String(json), cancellationToken);
        entity["Sent"] = true;
        await _outbox.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The outbox, newest first: what Telerad.Local shows as "notifications sent".</summary>
    public async Task<IReadOnlyList<Notification>> ListAsync(string? topic = null, int max = 200, CancellationToken cancellationToken = default)
    {
        await _created.Value.WaitAsync(cancellationToken);
        var found = new List<Notification>();
        var query = topic is null ? _outbox.QueryAsync<TableEntity>(cancellationToken: cancellationToken) : _outbox.QueryAsync<TableEntity>(e => e.PartitionKey == topic, cancellationToken: cancellationToken);
        await foreach (var entity in query)
        {
            found.Add(NotificationJson.Parse(Encoding.UTF8.GetBytes(entity.GetString("Json"))));
        }

        return [.. found.OrderByDescending(n => n.CreatedUtc).ThenBy(n => n.MessageId, StringComparer.Ordinal).Take(max)];
    }

    private static async Task CreateAsync(QueueServiceClient queues, TableServiceClient tables)
    {
        await tables.GetTableClient(OutboxTable).CreateIfNotExistsAsync();
        foreach (var topic in NotificationTopics.All)
        {
            await queues.GetQueueClient(topic).CreateIfNotExistsAsync();
        }
    }
}
