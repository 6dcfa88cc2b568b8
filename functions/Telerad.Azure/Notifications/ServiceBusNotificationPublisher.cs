using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using Telerad.Notifications;

namespace Telerad.Azure;

/// <summary>
/// Publishes to the Service Bus topics of the contract (infra creates them with duplicate detection): the message id
/// is the notification's deterministic id, so a retried activity's second send is dropped by the broker; the study
/// key is the session id (messages of one study in order for a session-enabled subscription); application
/// properties carry what subscriptions filter on (kind, tenant, radiologist, priority, schema version).
/// </summary>
public sealed class ServiceBusNotificationPublisher(Func<string, ServiceBusSender> senderForTopic) : INotificationPublisher, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new(StringComparer.Ordinal);

    /// <summary>Senders from one client (identity-based: the namespace and a TokenCredential, no connection string).</summary>
    public ServiceBusNotificationPublisher(ServiceBusClient client)
        : this(topic => client.CreateSender(topic))
    {
    }

    public async Task PublishAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var sender = _senders.GetOrAdd(notification.Topic, senderForTopic);
        await sender.SendMessageAsync(ToMessage(notification), cancellationToken);
    }

    public static ServiceBusMessage ToMessage(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var message = new ServiceBusMessage(NotificationJson.Serialize(notification))
        {
            MessageId = notification.MessageId,
            SessionId = notification.StudyKey,
            ContentType = "application/json",
            Subject = notification.Kind,
        };
        message.ApplicationProperties["schemaVersion"] = notification.Version;
        message.ApplicationProperties["kind"] = notification.Kind;
        message.ApplicationProperties["tenant"] = notification.Tenant;
        if (notification.RadiologistId is { } radiologist)
        {
            message.ApplicationProperties["radiologistId"] = radiologist;
        }

        if (notification.Priority is { } priority)
        {
            message.ApplicationProperties["priority"] = priority;
        }

        return message;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sender in _senders.Values)
        {
            await sender.DisposeAsync();
        }
    }
}
