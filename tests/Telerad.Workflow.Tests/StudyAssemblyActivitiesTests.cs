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

    private StudyAssemblyActivities Activities(IngestionOptions options)
    {
        var scratch = TestData.NewScratchDirectory("activities");
        var reid = new FileReidentificationStore(scratch, new Keys(_keys), new JsonLinesAuditLog(Path.Combine(scratch, "audit.jsonl")));
        var deidentifier = new InstanceDeidentifier(_store, _tenants, _ => new Deidentifier(DeidentificationProfile.Reading, _keys), reid, TimeProvider.System);
        return new StudyAssemblyActivities(_state, deidentifier, _store, _tenants, ingestion: options);
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
}
