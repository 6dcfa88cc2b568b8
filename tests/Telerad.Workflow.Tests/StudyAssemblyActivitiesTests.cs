using Telerad.Auditing;
using Telerad.Deidentification;
using Telerad.Dicom.Tests;
using Telerad.Ingestion;
using Telerad.Ingestion.Tests;

namespace Telerad.Workflow.Tests;

/// <summary>The activities' service on its own: idempotent de-identification recorded in the registry, and retention.</summary>
public sealed class StudyAssemblyActivitiesTests
{
    private readonly InMemoryObjectStore _store = new();
    private readonly InMemoryIngestionState _state = new();
    private readonly DeidentificationKeys _keys = DeidentificationKeys.Generate("hospital-a");
    private readonly StaticTenantDirectory _tenants = new([new TenantSettings { Id = "hospital-a" }]);

    private sealed class Keys(DeidentificationKeys keys) : IDeidentificationKeyProvider
    {
        public DeidentificationKeys GetKeys(string tenantId) => keys;
    }

    private StudyAssemblyActivities Activities(IngestionOptions options, IObjectStore? store = null)
    {
        var scratch = TestData.NewScratchDirectory("activities");
        var reid = new FileReidentificationStore(scratch, new Keys(_keys), new JsonLinesAuditLog(Path.Combine(scratch, "audit.jsonl")));
        var deidentifier = new InstanceDeidentifier(store ?? _store, _tenants, _ => new Deidentifier(DeidentificationProfile.Reading, _keys), reid, TimeProvider.System);
        return new StudyAssemblyActivities(_state, deidentifier, store ?? _store, _tenants, ingestion: options);
    }

    private async Task<AcceptedInstance> AcceptAsync(int index)
    {
        var file = Directory.EnumerateFiles(TestData.CtStudy("ele")).Order().ElementAt(index);
        var reference = new ObjectRef(Containers.Incoming, $"hospital-a/u1/{Path.GetFileName(file)}");
        _store.Put(reference, File.ReadAllBytes(file));
        var handler = new IngestInstanceHandler(_store, _tenants, _ => new Deidentifier(DeidentificationProfile.Reading, _keys), _state, _state, _state, new IngestionOptions(), TimeProvider.System);
        return (await handler.HandleAsync(reference)).Instance!;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_instance_is_deidentified_once_and_its_original_deleted_only_when_configured(bool delete)
    {
        var activities = Activities(new IngestionOptions { DeleteIncomingAfterProcessing = delete });
        var instance = await AcceptAsync(0);
        var request = new DeidentifyRequest("hospital-a", instance.StudyKey, instance.SopKey, instance.Version);
        var first = await activities.DeidentifyAsync(request);
        Assert.Equal(DeidentifiedInstance.Deidentified, first.Outcome);
        var output = new ObjectRef(Containers.Deidentified, first.OutputName!);
        var etag = (await _store.GetPropertiesAsync(output))!.ETag;
        Assert.Equal(!delete, _store.Names.Contains(instance.Object));

        // A repeated request (a redelivered signal, a retried activity) returns the recorded result without redoing it,
        // even when the original is gone.
        var again = await activities.DeidentifyAsync(request with { Late = true });
        Assert.Equal(first, again);
        Assert.Equal(etag, (await _store.GetPropertiesAsync(output))!.ETag);
        var record = await _state.FindInstanceAsync("hospital-a", instance.StudyKey, instance.SopKey);
        Assert.True(record!.IsDone);
        Assert.False(record.Late); // the first decision stands

        var summary = await activities.PublishSummaryAsync(new PublishSummaryRequest("hospital-a", instance.StudyKey));
        Assert.Equal(1, summary.Instances);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(8, 5)]
    public async Task A_batch_works_on_up_to_its_parallelism_of_instances_at_once_and_records_every_one(int parallelism, int expectedAtOnce)
    {
        var instances = await AcceptManyAsync(5);
        var reads = new GatedReads(_store, expectedAtOnce);
        var activities = Activities(new IngestionOptions { DeidentifyParallelism = parallelism }, reads);

        var result = await activities.DeidentifyBatchAsync(Batch(instances));

        Assert.Equal(new DeidentifyBatchResult(5, 0), result);
        Assert.Equal(expectedAtOnce, reads.MostAtOnce); // never more than asked, and that many really at once
        foreach (var instance in instances)
        {
            Assert.True((await _state.FindInstanceAsync("hospital-a", instance.StudyKey, instance.SopKey))!.IsDone);
        }
    }

    [Fact]
    public async Task A_batch_with_a_failing_instance_fails_after_recording_the_others_and_its_retry_does_only_the_rest()
    {
        var instances = await AcceptManyAsync(5);
        var missing = instances[1].Object;
        var original = _store.Bytes(missing);
        await _store.DeleteAsync(missing); // its de-identification cannot read it
        var activities = Activities(new IngestionOptions { DeidentifyParallelism = 2 });

        await Assert.ThrowsAsync<ObjectNotFoundException>(() => activities.DeidentifyBatchAsync(Batch(instances)));
        var done = new List<bool>();
        foreach (var instance in instances)
        {
            done.Add((await _state.FindInstanceAsync("hospital-a", instance.StudyKey, instance.SopKey))!.IsDone);
        }

        Assert.Equal([true, false, true, true, true], done);

        _store.Put(missing, original);
        var reads = _store.Reads;
        Assert.Equal(new DeidentifyBatchResult(5, 0), await activities.DeidentifyBatchAsync(Batch(instances)));
        Assert.Equal(reads + 1, _store.Reads); // the four recorded ones are not read again
    }

    private async Task<List<AcceptedInstance>> AcceptManyAsync(int count)
    {
        var instances = new List<AcceptedInstance>();
        for (var i = 0; i < count; i++)
        {
            instances.Add(await AcceptAsync(i));
        }

        return instances;
    }

    private static DeidentifyBatchRequest Batch(List<AcceptedInstance> instances) =>
        new("hospital-a", instances[0].StudyKey, [.. instances.Select(i => new InstanceVersion(i.SopKey, i.Version))]);

    /// <summary>
    /// Reads of originals wait until <c>gate</c> of them are under way at once (or 10 s pass, so a sequential batch
    /// fails the assertion instead of hanging), and counts the most ever under way together.
    /// </summary>
    private sealed class GatedReads(InMemoryObjectStore inner, int gate) : IObjectStore
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _underWay;
        private int _most;

        public int MostAtOnce => Volatile.Read(ref _most);

        public async Task<Stream> OpenReadAsync(ObjectRef reference, CancellationToken cancellationToken = default)
        {
            if (reference.Container != Containers.Incoming)
            {
                return await inner.OpenReadAsync(reference, cancellationToken);
            }

            var now = Interlocked.Increment(ref _underWay);
            InterlockedMax(ref _most, now);
            if (now >= gate)
            {
                _open.TrySetResult();
            }

            try
            {
                await _open.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await Task.Delay(20, cancellationToken);
                return await inner.OpenReadAsync(reference, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _underWay);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }

        public Task<ObjectProperties?> GetPropertiesAsync(ObjectRef reference, CancellationToken cancellationToken = default) => inner.GetPropertiesAsync(reference, cancellationToken);

        public Task<ObjectProperties> WriteAsync(ObjectRef reference, Stream content, ObjectWriteOptions? options = null, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(reference, content, options, cancellationToken);

        public Task AppendAsync(ObjectRef reference, ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default) => inner.AppendAsync(reference, block, cancellationToken);

        public IAsyncEnumerable<ObjectProperties> ListAsync(string container, string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(container, prefix, cancellationToken);

        public Task<bool> DeleteAsync(ObjectRef reference, CancellationToken cancellationToken = default) => inner.DeleteAsync(reference, cancellationToken);
    }
}
