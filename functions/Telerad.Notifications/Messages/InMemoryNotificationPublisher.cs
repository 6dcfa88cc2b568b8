using System.Collections.Concurrent;

namespace Telerad.Notifications;

/// <summary>
/// Notifications kept in memory, in the order published, each message id once (as the transports' duplicate detection
/// does): for tests, benchmarks and anything that wants to watch what would be sent.
/// </summary>
public sealed class InMemoryNotificationPublisher : INotificationPublisher
{
    private readonly ConcurrentDictionary<string, bool> _ids = new(StringComparer.Ordinal);

    public ConcurrentQueue<Notification> All { get; } = new();

    public Task PublishAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (_ids.TryAdd(notification.MessageId, true))
        {
            All.Enqueue(notification);
        }

        return Task.CompletedTask;
    }

    /// <summary>The first notification that matches, waiting up to <paramref name="timeout"/>; a <see cref="TimeoutException"/> lists what was sent.</summary>
    public async Task<Notification> WaitForAsync(Func<Notification, bool> match, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (All.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException("Not published in time; published: " + string.Join(", ", All.Select(n => $"{n.Kind}/{n.RadiologistId ?? n.ContactId}")));
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
