using Telerad.Auditing;
using Telerad.Notifications;
using Telerad.Reading.Worklist;
using Telerad.Storage;
using Telerad.Workflow;

namespace Telerad.Benchmarks.Reading;

/// <summary>What the in-memory reading benchmark runs ReadStudyV1 with: a fixed rota, audit and objects to nowhere.</summary>
internal static class BenchmarkReading
{
    public const string Tenant = "bench";

    public static ReadingActivities Activities(INotificationPublisher publisher, IReadingWorklist worklist) => new(
        new Rota(),
        publisher,
        new StudyLinks(new LinkTokens(LinkSigningKeys.Generate(), TimeProvider.System), new StudyLinkOptions(), TimeProvider.System),
        new NullAudit(),
        new NullStore(),
        worklist,
        new DeliveryRetryPolicy(),
        TimeProvider.System);

    /// <summary>Hours-long timers: nothing fires during the run, so only the path to the offer is measured.</summary>
    public static ReadingPolicy Policy() => new()
    {
        Turnaround = new Dictionary<string, TimeSpan> { ["STAT"] = TimeSpan.FromHours(1), ["URGENT"] = TimeSpan.FromHours(4), ["ROUTINE"] = TimeSpan.FromHours(24) },
        AcceptReminderInterval = TimeSpan.FromHours(1),
    };

    private sealed class Rota : IReaderAssigner
    {
        private int _next;

        public Task<AssignmentDecision> AssignAsync(AssignReaderRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult(new AssignmentDecision($"rad-{Interlocked.Increment(ref _next) % 20}", "rota"));
    }

    private sealed class NullAudit : IAuditLog
    {
        public Task WriteAsync(AuditRecord record, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    private sealed class NullStore : IObjectStore
    {
        public Task<ObjectProperties?> GetPropertiesAsync(ObjectRef reference, CancellationToken cancellationToken = default) => Task.FromResult<ObjectProperties?>(null);

        public Task<System.IO.Stream> OpenReadAsync(ObjectRef reference, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public async Task<ObjectProperties> WriteAsync(ObjectRef reference, System.IO.Stream content, ObjectWriteOptions? options = null, CancellationToken cancellationToken = default)
        {
            await content.CopyToAsync(System.IO.Stream.Null, cancellationToken);
            return new ObjectProperties(reference, content.Length, "etag", DateTimeOffset.UtcNow, new Dictionary<string, string>());
        }

        public Task AppendAsync(ObjectRef reference, ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public async IAsyncEnumerable<ObjectProperties> ListAsync(string container, string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield break;
        }

        public Task<bool> DeleteAsync(ObjectRef reference, CancellationToken cancellationToken = default) => Task.FromResult(false);
    }
}
