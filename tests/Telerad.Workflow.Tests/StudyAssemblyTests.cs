using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Telerad.Auditing;
using Telerad.Deidentification;
using Telerad.Dicom.Tests;
using Telerad.Ingestion;
using Telerad.Ingestion.Tests;
using Telerad.Notifications;
using Telerad.Workflow;

namespace Telerad.Workflow.Tests;

/// <summary>
/// StudyAssemblyV1 on the real Durable Task engine (the in-process test host): instances arrive as events, are
/// de-identified by activities into deid/, and the summary is published. Storage is the in-memory store of the
/// ingestion tests (the Azure Blob store is tested against Azurite separately).
/// </summary>
public sealed class StudyAssemblyTests : IAsyncLifetime
{
    private readonly InMemoryObjectStore _store = new();
    private readonly InMemoryIngestionState _state = new();
    private readonly DeidentificationKeys _keys = DeidentificationKeys.Generate("hospital-a");
    private readonly StaticTenantDirectory _tenants = new([new TenantSettings { Id = "hospital-a", FacilityId = "fac-1", Jurisdiction = "US-NY" }]);
    private readonly string _scratch = TestData.NewScratchDirectory("assembly");
    private static readonly StudyAssemblyOptions Retry = new() { MaxAttempts = 2, FirstRetryInterval = TimeSpan.FromMilliseconds(100), MaxRetryInterval = TimeSpan.FromSeconds(1) };
    private readonly LogRecord _logs = new(Environment.GetEnvironmentVariable("TELERAD_DEBUG_DURABLE") == "1");
    private DurableTaskTestHost _host = null!;
    private GatedReidentificationStore _reidentification = null!;
    private ModelStoreThatCanBreak _models = null!;

    /// <summary>An empty model folder, or (when <see cref="Broken"/>) a store that fails as an unreachable one would.</summary>
    private sealed class ModelStoreThatCanBreak(string folder) : Telerad.Triage.IModelStore
    {
        private readonly Telerad.Triage.FolderModelStore _inner = new(folder);

        public bool Broken { get; set; }

        public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default) =>
            Broken ? throw new InvalidOperationException("model store unreachable") : _inner.ListAsync(cancellationToken);

        public Task<byte[]> ReadAsync(string idAndVersion, string fileName, CancellationToken cancellationToken = default) => _inner.ReadAsync(idAndVersion, fileName, cancellationToken);
    }

    private sealed class Keys(DeidentificationKeys keys) : IDeidentificationKeyProvider
    {
        public DeidentificationKeys GetKeys(string tenantId) => keys;
    }

    public async Task InitializeAsync()
    {
        _models = new ModelStoreThatCanBreak(Directory.CreateDirectory(Path.Combine(_scratch, "models")).FullName);
        var deidentifiers = (Func<TenantSettings, Deidentifier>)(_ => new Deidentifier(DeidentificationProfile.Reading, _keys));
        _host = await DurableTaskTestHost.StartAsync(r => r.AddTeleradWorkflows(), new DurableTaskTestHostOptions
        {
            Port = Telerad.Dicom.Tests.FreeTcpPort.Next(),
#pragma warning disable CA2000 // the host owns its logger factory
            LoggerFactory = new RecordingLoggerFactory(_logs),
#pragma warning restore CA2000
            ConfigureServices = services =>
            {
                services.AddSingleton<IObjectStore>(_store);
                services.AddSingleton<IInstanceRegistry>(_state);
                services.AddSingleton<ITenantDirectory>(_tenants);

                _reidentification = new GatedReidentificationStore(new FileReidentificationStore(_scratch, new Keys(_keys), new JsonLinesAuditLog(Path.Combine(_scratch, "audit.jsonl"))));
                services.AddSingleton<IReidentificationStore>(_reidentification);
                services.AddSingleton(sp => new InstanceDeidentifier(_store, _tenants, deidentifiers, sp.GetRequiredService<IReidentificationStore>(), TimeProvider.System));
                services.AddSingleton<StudyAssemblyActivities>();

                // Triage with no model installed: every study is "not analysed" and goes on (triage has its own tests).
                services.AddSingleton(new Telerad.Triage.TriageOptions());
                services.AddSingleton<Telerad.Triage.IModelStore>(_models);
                services.AddSingleton<Telerad.Triage.ModelLoader>();
                services.AddSingleton<Telerad.Triage.TriageEngine>();
                services.AddSingleton<StudyTriageActivities>();
            },
        });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<List<AcceptedInstance>> IngestAsync(int count, string upload = "u1", int skip = 0)
    {
        var handler = new IngestInstanceHandler(_store, _tenants, _ => new Deidentifier(DeidentificationProfile.Reading, _keys), _state, _state, _state, new IngestionOptions(), TimeProvider.System);
        var accepted = new List<AcceptedInstance>();
        foreach (var file in Directory.EnumerateFiles(TestData.CtStudy("ele")).Order().Skip(skip).Take(count))
        {
            var reference = new ObjectRef(Containers.Incoming, $"hospital-a/{upload}/{Path.GetFileName(file)}");
            _store.Put(reference, File.ReadAllBytes(file));
            accepted.Add((await handler.HandleAsync(reference)).Instance!);
        }

        return accepted;
    }

    [Fact]
    public async Task A_study_completes_when_the_manifest_count_is_reached()
    {
        var accepted = await IngestAsync(4);
        var studyKey = accepted[0].StudyKey;
        var client = new StudyAssemblyClient(_host.Client, Retry);
        await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromSeconds(30), StudyEvent.Manifest(4));
        foreach (var instance in accepted)
        {
            await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromSeconds(30), StudyEvent.Instance(instance.SopKey, instance.Version));
        }

        // Completed well before the 30 s quiet period: the manifest said 4, and 4 arrived.
        var summaryName = new ObjectRef(Containers.Deidentified, $"hospital-a/{studyKey}/summary.json");
        var completed = await _host.Client.WaitForInstanceCompletionAsync(StudyAssembly.InstanceId("hospital-a", studyKey), getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, completed.RuntimeStatus);
        Assert.Equal(StudyTriageSummary.NotAnalysed, completed.ReadOutputAs<StudySummary>()!.Triage!.Status);
        Assert.Contains(new ObjectRef(Containers.Deidentified, $"hospital-a/{studyKey}/triage.json"), _store.Names);
        var deidentified = _store.Names.Where(n => n.Container == Containers.Deidentified && n.Name.EndsWith(".dcm", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, deidentified.Count);
        Assert.All(deidentified, n => Assert.StartsWith($"hospital-a/{studyKey}/", n.Name, StringComparison.Ordinal));
        using var summary = System.Text.Json.JsonDocument.Parse(_store.Bytes(summaryName));
        Assert.Equal(4, summary.RootElement.GetProperty("series")[0].GetProperty("instances").GetInt32());
        Assert.Equal("US-NY", summary.RootElement.GetProperty("patientJurisdiction").GetString());

        var metadata = await _host.Client.GetInstanceAsync(StudyAssembly.InstanceId("hospital-a", studyKey), getInputsAndOutputs: true);
        Assert.NotNull(metadata);
        Assert.DoesNotContain("Phantom", metadata.SerializedInput ?? string.Empty, StringComparison.OrdinalIgnoreCase); // no PHI in the history
    }

    /// <summary>
    /// Batches start while the upload still arrives: with no manifest yet and a quiet period far longer than the test,
    /// two full batches (8 of 12 instances, 4 per batch) are de-identified while the study waits; the manifest then
    /// completes it.
    /// (Before, nothing was de-identified until the manifest's count was reached or the quiet period ended.)
    /// </summary>
    [Fact]
    public async Task Full_batches_are_deidentified_while_the_upload_still_arrives()
    {
        var accepted = await IngestAsync(12, upload: "u-arriving");
        var studyKey = accepted[0].StudyKey;
        var client = new StudyAssemblyClient(_host.Client, Retry, deidentifyBatch: 4);
        var quiet = TimeSpan.FromMinutes(10);
        foreach (var instance in accepted.Take(9))
        {
            await client.SignalAsync("hospital-a", studyKey, quiet, StudyEvent.Instance(instance.SopKey, instance.Version));
        }

        await WaitUntilAsync(() => DeidentifiedCount(studyKey) >= 8, TimeSpan.FromSeconds(30));
        var id = StudyAssembly.InstanceId("hospital-a", studyKey);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await _host.Client.GetInstanceAsync(id))!.RuntimeStatus);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(8, DeidentifiedCount(studyKey)); // the 9th waits for its batch to fill (or the manifest, or quiet)

        foreach (var instance in accepted.Skip(9))
        {
            await client.SignalAsync("hospital-a", studyKey, quiet, StudyEvent.Instance(instance.SopKey, instance.Version));
        }

        await client.SignalAsync("hospital-a", studyKey, quiet, StudyEvent.Manifest(12));
        var completed = await _host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        var summary = completed.ReadOutputAs<StudySummary>()!;
        Assert.Equal((12, 0), (summary.Instances, summary.LateInstances));
        Assert.Equal(12, DeidentifiedCount(studyKey));
    }

    /// <summary>
    /// A run started before batches overlapped the upload (its input says DeidentifyWhileArriving = false, as every
    /// input written before does) keeps the loop it ran: nothing is de-identified before the manifest's count is
    /// reached, then the study completes. Its replays schedule what they scheduled.
    /// </summary>
    [Fact]
    public async Task A_run_started_before_overlapping_keeps_collecting_until_the_manifest()
    {
        var accepted = await IngestAsync(10, upload: "u-collecting");
        var studyKey = accepted[0].StudyKey;
        var id = StudyAssembly.InstanceId("hospital-a", studyKey);
        await _host.Client.ScheduleNewOrchestrationInstanceAsync(
            StudyAssembly.OrchestratorName,
            new StudyAssemblyInput("hospital-a", studyKey, 600, Retry, DeidentifyBatch: 8),
            new StartOrchestrationOptions(id));
        var client = new StudyAssemblyClient(_host.Client, Retry, deidentifyBatch: 8);
        foreach (var instance in accepted)
        {
            await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromMinutes(10), StudyEvent.Instance(instance.SopKey, instance.Version));
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(0, DeidentifiedCount(studyKey));

        await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromMinutes(10), StudyEvent.Manifest(10));
        var completed = await _host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Equal((10, 0), (completed.ReadOutputAs<StudySummary>()!.Instances, completed.ReadOutputAs<StudySummary>()!.LateInstances));
        Assert.Equal(10, DeidentifiedCount(studyKey));
    }

    /// <summary>
    /// Telerad.Local announces the instances one poll pass accepted in one event (instances-accepted, a list) instead of
    /// one event each. Both loops take every instance of it: the one that de-identifies while arriving, and the one
    /// runs started before keep.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Instances_announced_in_one_event_are_all_deidentified(bool whileArriving)
    {
        var accepted = await IngestAsync(12, upload: "u-several");
        var studyKey = accepted[0].StudyKey;
        var id = StudyAssembly.InstanceId("hospital-a", studyKey);
        if (!whileArriving)
        {
            await _host.Client.ScheduleNewOrchestrationInstanceAsync(
                StudyAssembly.OrchestratorName, new StudyAssemblyInput("hospital-a", studyKey, 600, Retry, DeidentifyBatch: 8), new StartOrchestrationOptions(id));
        }

        var client = new StudyAssemblyClient(_host.Client, Retry, deidentifyBatch: 8);
        var quiet = TimeSpan.FromMinutes(10);
        await client.SignalAsync("hospital-a", studyKey, quiet, StudyEvent.Several([.. accepted.Take(7).Select(a => new InstanceVersion(a.SopKey, a.Version))]));
        await client.SignalAsync("hospital-a", studyKey, quiet, StudyEvent.Several([.. accepted.Skip(5).Select(a => new InstanceVersion(a.SopKey, a.Version))])); // 2 again: ignored
        await client.SignalAsync("hospital-a", studyKey, quiet, StudyEvent.Manifest(12));

        var completed = await _host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        var summary = completed.ReadOutputAs<StudySummary>()!;
        Assert.Equal((12, 0), (summary.Instances, summary.LateInstances));
        Assert.Equal(12, DeidentifiedCount(studyKey));
        Assert.DoesNotContain(2005, _logs.EventIds); // none had to be found in the registry: the events announced them all
    }

    private int DeidentifiedCount(string studyKey) =>
        _store.Names.Count(n => n.Container == Containers.Deidentified && n.Name.StartsWith($"hospital-a/{studyKey}/", StringComparison.Ordinal) && n.Name.EndsWith(".dcm", StringComparison.Ordinal));

    /// <summary>
    /// Four instances registered, only three signalled: the fourth stands for one whose signal was lost (the host died
    /// between registering it and signalling). The study asks the registry before it completes, so the fourth is
    /// de-identified in the same run and is not "late". With a manifest (expecting the three) the study asks as soon as
    /// the three are done; without one, when the quiet period ends.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_instance_registered_but_never_signalled_is_deidentified_before_the_study_completes_and_is_not_late(bool manifest)
    {
        var accepted = await IngestAsync(4);
        var studyKey = accepted[0].StudyKey;
        var client = new StudyAssemblyClient(_host.Client, Retry);
        var quiet = TimeSpan.FromSeconds(manifest ? 30 : 3);
        if (manifest)
        {
            await client.SignalAsync("hospital-a", studyKey, quiet, StudyEvent.Manifest(3));
        }

        foreach (var instance in accepted.Take(3))
        {
            await client.SignalAsync("hospital-a", studyKey, quiet, StudyEvent.Instance(instance.SopKey, instance.Version));
        }

        var completed = await _host.Client.WaitForInstanceCompletionAsync(StudyAssembly.InstanceId("hospital-a", studyKey), getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(25)).Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, completed.RuntimeStatus);
        var summary = completed.ReadOutputAs<StudySummary>()!;
        Assert.Equal((4, 0), (summary.Instances, summary.LateInstances));
        Assert.All(await _state.ListInstancesAsync("hospital-a", studyKey), r => Assert.True(r.IsDone && !r.Late, $"{r.SopKey}: done {r.IsDone}, late {r.Late}"));
    }

    [Fact]
    public async Task A_triage_step_that_fails_never_blocks_the_study()
    {
        _models.Broken = true;
        var accepted = await IngestAsync(2, upload: "u-broken-triage");
        var studyKey = accepted[0].StudyKey;
        var client = new StudyAssemblyClient(_host.Client, Retry);
        await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromSeconds(30), StudyEvent.Manifest(2));
        foreach (var instance in accepted)
        {
            await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromSeconds(30), StudyEvent.Instance(instance.SopKey, instance.Version));
        }

        var completed = await _host.Client.WaitForInstanceCompletionAsync(StudyAssembly.InstanceId("hospital-a", studyKey), getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, completed.RuntimeStatus);
        var summary = completed.ReadOutputAs<StudySummary>()!;
        Assert.Equal(2, summary.Instances);
        Assert.Equal((StudyTriageSummary.NotAnalysed, "Triage failed: System.InvalidOperationException"), (summary.Triage?.Status, summary.Triage?.Reason));
        Assert.DoesNotContain(new ObjectRef(Containers.Deidentified, $"hospital-a/{studyKey}/triage.json"), _store.Names);
    }

    /// <summary>
    /// The rule that makes a restart safe (the kill -9 test in Telerad.Local.Tests shows it end to end): a quiet timer
    /// that fired long after it was due starts the quiet period again instead of completing the study.
    /// </summary>
    [Theory]
    [InlineData(12, 0.5, false)] // ordinary dispatch delay
    [InlineData(12, 2.9, false)]
    [InlineData(12, 3.1, true)] // a quarter of the period
    [InlineData(4, 1.9, false)] // short periods: at least two seconds
    [InlineData(4, 2.1, true)]
    [InlineData(300, 60, false)]
    [InlineData(300, 76, true)]
    public void A_quiet_timer_is_late_after_a_quarter_of_its_period_and_at_least_two_seconds(int quietSeconds, double latenessSeconds, bool late) =>
        Assert.Equal(late, StudyAssemblyOrchestrator.IsLate(TimeSpan.FromSeconds(latenessSeconds), TimeSpan.FromSeconds(quietSeconds)));

    /// <summary>
    /// A quiet period that ends with instances waiting de-identifies them but does not complete the study: only a quiet
    /// period with nothing left to do does. So instances that arrive in a burst after an outage (their signals queued
    /// while the host was down) belong to the study's run and are not flagged late (the kill -9 test's failure on CI).
    /// </summary>
    [Fact]
    public async Task Instances_arriving_after_a_quiet_batch_but_before_completion_are_not_late()
    {
        var accepted = await IngestAsync(3);
        var studyKey = accepted[0].StudyKey;
        var client = new StudyAssemblyClient(_host.Client, Retry);
        foreach (var instance in accepted.Take(2))
        {
            await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromSeconds(3), StudyEvent.Instance(instance.SopKey, instance.Version));
        }

        // The first quiet period ends with two instances waiting: they are de-identified.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_store.Names.Count(n => n.Container == Containers.Deidentified && n.Name.EndsWith(".dcm", StringComparison.Ordinal)) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the first batch was never de-identified");
            await Task.Delay(50);
        }

        await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromSeconds(3), StudyEvent.Instance(accepted[2].SopKey, accepted[2].Version));
        var completed = await _host.Client.WaitForInstanceCompletionAsync(StudyAssembly.InstanceId("hospital-a", studyKey), getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        var summary = completed.ReadOutputAs<StudySummary>()!;
        Assert.Equal((3, 0), (summary.Instances, summary.LateInstances));
        Assert.All(await _state.ListInstancesAsync("hospital-a", studyKey), r => Assert.False(r.Late, $"{r.SopKey} was flagged late"));
    }

    /// <summary>
    /// An instance signalled while a batch started by the quiet period is being de-identified reaches the study: the
    /// waiter the quiet timer beat is kept and read after the batch. (Abandoned, it swallowed that signal, and only the
    /// registry check before completion found the instance, with warning 2005 as if a crash had lost it.)
    /// </summary>
    [Fact]
    public async Task An_instance_signalled_while_a_quiet_batch_runs_is_not_lost()
    {
        var accepted = await IngestAsync(2, upload: "u-mid-batch");
        var studyKey = accepted[0].StudyKey;
        var client = new StudyAssemblyClient(_host.Client, Retry);
        var quiet = TimeSpan.FromSeconds(2);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _reidentification.Hold = hold;
        await client.SignalAsync("hospital-a", studyKey, quiet, StudyEvent.Instance(accepted[0].SopKey, accepted[0].Version));

        // The quiet period ends with the first instance waiting; its batch starts and is held inside the activity.
        await _reidentification.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        _reidentification.Hold = null;
        await client.SignalAsync("hospital-a", studyKey, quiet, StudyEvent.Instance(accepted[1].SopKey, accepted[1].Version));
        await Task.Delay(TimeSpan.FromSeconds(2)); // the engine delivers the signal to the orchestration while the batch is held
        hold.SetResult();

        var completed = await _host.Client.WaitForInstanceCompletionAsync(StudyAssembly.InstanceId("hospital-a", studyKey), getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        var summary = completed.ReadOutputAs<StudySummary>()!;
        Assert.Equal((2, 0), (summary.Instances, summary.LateInstances));
        Assert.DoesNotContain(2005, _logs.EventIds); // no instance had to be found in the registry: no signal was lost
    }

    [Fact]
    public async Task Without_a_manifest_the_quiet_period_completes_the_study_and_late_instances_are_flagged()
    {
        var accepted = await IngestAsync(2);
        var studyKey = accepted[0].StudyKey;
        var client = new StudyAssemblyClient(_host.Client, Retry);
        foreach (var instance in accepted)
        {
            await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromSeconds(4), StudyEvent.Instance(instance.SopKey, instance.Version));
        }

        var id = StudyAssembly.InstanceId("hospital-a", studyKey);
        var first = await _host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.True(first.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{first.RuntimeStatus}: {first.FailureDetails?.ErrorType} {first.FailureDetails?.ErrorMessage} {first.FailureDetails?.StackTrace}");
        Assert.Equal(2, first.ReadOutputAs<StudySummary>()!.Instances);
        var triage = first.ReadOutputAs<StudySummary>()!.Triage;
        Assert.Equal((StudyTriageSummary.NotAnalysed, "No triage model is installed."), (triage?.Status, triage?.Reason)); // and the study went on
        Assert.Null(first.ReadOutputAs<StudySummary>()!.PriorityUpgrade);

        // A late instance after completion: a late run de-identifies it and flags it.
        accepted.AddRange(await IngestAsync(1, skip: 2));
        await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromSeconds(4), StudyEvent.Instance(accepted[2].SopKey, accepted[2].Version));
        var late = await NextRunCompletedAsync(id, first);
        var lateSummary = late.ReadOutputAs<StudySummary>()!;
        Assert.Equal(1, lateSummary.LateInstances);
        Assert.Equal(3, lateSummary.Instances); // the whole study, not only what the late run saw
        Assert.Equal(3, _store.Names.Count(n => n.Container == Containers.Deidentified && n.Name.EndsWith(".dcm", StringComparison.Ordinal)));
        using var published = System.Text.Json.JsonDocument.Parse(_store.Bytes(new ObjectRef(Containers.Deidentified, $"hospital-a/{studyKey}/summary.json")));
        Assert.Equal(3, published.RootElement.GetProperty("series")[0].GetProperty("instances").GetInt32());
    }

    [Fact]
    public async Task A_repeated_signal_after_completion_changes_nothing()
    {
        var (accepted, studyKey, client, id, first) = await CompleteStudyAsync(2, "u-repeat");
        var output = _store.Names.Single(n => n.Container == Containers.Deidentified && n.Name.EndsWith(accepted[0].SopKey + ".dcm", StringComparison.Ordinal));
        var etag = (await _store.GetPropertiesAsync(output))!.ETag;

        // What a redelivered event does: signal the same version again. A late run starts, finds it done, and ends.
        await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromSeconds(1), StudyEvent.Instance(accepted[0].SopKey, accepted[0].Version));
        var again = await NextRunCompletedAsync(id, first);
        var summary = again.ReadOutputAs<StudySummary>()!;
        Assert.Equal(2, summary.Instances);
        Assert.Equal(0, summary.LateInstances);
        Assert.Equal(etag, (await _store.GetPropertiesAsync(output))!.ETag); // not de-identified a second time
    }

    /// <summary>
    /// A manifest for a finished study (the study uploaded again, or its manifest handled after it completed) does not
    /// reopen it: a manifest brings no instance, and a late run would only triage and publish the study again.
    /// </summary>
    [Fact]
    public async Task A_manifest_after_completion_does_not_reopen_the_study()
    {
        var (_, studyKey, client, id, first) = await CompleteStudyAsync(2, "u-manifest-again");

        await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromSeconds(1), StudyEvent.Manifest(2));
        await Task.Delay(TimeSpan.FromSeconds(3)); // a late run would have been created by now
        var after = await _host.Client.GetInstanceAsync(id);
        Assert.Equal((OrchestrationRuntimeStatus.Completed, first.CreatedAt), (after!.RuntimeStatus, after.CreatedAt));
    }

    /// <summary>
    /// The gap signals cannot close: an instance registered as its study completed, whose signal the engine dropped. The
    /// sweep finds it (registered, not de-identified, study not running), signals the study, and the late run
    /// de-identifies it and flags it late. While a study runs the sweep leaves it alone.
    /// </summary>
    [Fact]
    public async Task The_sweep_finds_an_instance_whose_signal_was_lost_as_its_study_completed()
    {
        var accepted = await IngestAsync(2, upload: "u-stalled");
        var studyKey = accepted[0].StudyKey;
        var client = new StudyAssemblyClient(_host.Client, Retry);
        var fastTenants = new StaticTenantDirectory([new TenantSettings { Id = "hospital-a", FacilityId = "fac-1", Jurisdiction = "US-NY", QuietPeriod = TimeSpan.FromSeconds(2) }]);
        var sweep = new StalledInstanceSweep(_state, new DurableTaskClientGateway(_host.Client), client, fastTenants, new InMemoryNotificationPublisher(), TimeProvider.System);
        await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromSeconds(30), StudyEvent.Manifest(2));
        await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromSeconds(30), StudyEvent.Instance(accepted[0].SopKey, accepted[0].Version));
        Assert.Equal(0, await sweep.SweepAsync(TimeSpan.Zero)); // running, with an instance not yet signalled: left alone
        await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromSeconds(30), StudyEvent.Instance(accepted[1].SopKey, accepted[1].Version));
        var id = StudyAssembly.InstanceId("hospital-a", studyKey);
        var first = await _host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Equal(2, first.ReadOutputAs<StudySummary>()!.Instances);

        // A third instance registered after the study completed; its signal is lost.
        await IngestAsync(1, upload: "u-stalled", skip: 2);
        Assert.Equal(0, await sweep.SweepAsync(TimeSpan.FromMinutes(5))); // too young to be stalled
        Assert.Equal(1, await sweep.SweepAsync(TimeSpan.Zero));
        var marked = new List<StalledInstance>();
        await foreach (var s in _state.ListStalledAsync(DateTimeOffset.UtcNow.AddMinutes(1)))
        {
            marked.Add(s);
        }

        Assert.Equal(1, Assert.Single(marked, s => s.StudyKey == studyKey).Sweeps); // remembered, so the next sweep backs off

        var again = await NextRunCompletedAsync(id, first);
        var summary = again.ReadOutputAs<StudySummary>()!;
        Assert.Equal((3, 1), (summary.Instances, summary.LateInstances));
        Assert.Equal(0, await sweep.SweepAsync(TimeSpan.Zero)); // nothing left
    }

    /// <summary>
    /// A study whose runs keep failing (here every de-identification fails) stays stalled. The sweep signals it again
    /// each time it is due; at the fifth sweep operations get one study-stalled alert with opaque ids only, and no
    /// second one at the sixth. (Three earlier sweeps are recorded up front; a shifted clock makes the later ones due.)
    /// </summary>
    [Fact]
    public async Task A_study_whose_runs_keep_failing_raises_one_operations_alert_at_its_fifth_sweep()
    {
        var accepted = await IngestAsync(1, upload: "u-stuck"); // registered, never signalled: stalled
        var studyKey = accepted[0].StudyKey;
        var id = StudyAssembly.InstanceId("hospital-a", studyKey);
        var marker = await SingleStalledAsync(studyKey);
        for (var i = 0; i < 3; i++)
        {
            await _state.MarkSweptAsync(marker, DateTimeOffset.UtcNow.AddDays(-1));
        }

        var clock = new ShiftedClock();
        var publisher = new InMemoryNotificationPublisher();
        var fastTenants = new StaticTenantDirectory([new TenantSettings { Id = "hospital-a", QuietPeriod = TimeSpan.FromSeconds(1) }]);
        var sweep = new StalledInstanceSweep(_state, new DurableTaskClientGateway(_host.Client), new StudyAssemblyClient(_host.Client, Retry), fastTenants, publisher, clock);
        _reidentification.Fail = true;

        DateTimeOffset? previousRun = null;
        for (var sweepNumber = 4; sweepNumber <= 6; sweepNumber++)
        {
            clock.Offset = TimeSpan.FromDays(sweepNumber - 4); // due again: the backoff is at most hours
            Assert.Equal(1, await sweep.SweepAsync(TimeSpan.Zero));
            Assert.Equal(sweepNumber, (await SingleStalledAsync(studyKey)).Sweeps);
            Assert.Equal(sweepNumber < 5 ? 0 : 1, publisher.All.Count);
            previousRun = await RunFailedAsync(id, previousRun); // not running again before the next sweep
        }

        var alert = Assert.Single(publisher.All);
        Assert.Equal((NotificationTopics.Operations, NotificationKinds.StudyStalled, "hospital-a", studyKey), (alert.Topic, alert.Kind, alert.Tenant, alert.StudyKey));
        Assert.Contains("after 5 sweeps", alert.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("Phantom", System.Text.Json.JsonSerializer.Serialize(alert), StringComparison.OrdinalIgnoreCase);
    }

    private async Task<StalledInstance> SingleStalledAsync(string studyKey)
    {
        var found = new List<StalledInstance>();
        await foreach (var s in _state.ListStalledAsync(DateTimeOffset.UtcNow.AddDays(30)))
        {
            found.Add(s);
        }

        return Assert.Single(found, s => s.StudyKey == studyKey);
    }

    /// <summary>Waits for a run of <paramref name="id"/> newer than <paramref name="after"/> to fail; returns when it was created.</summary>
    private async Task<DateTimeOffset> RunFailedAsync(string id, DateTimeOffset? after)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var current = await _host.Client.GetInstanceAsync(id);
            if (current is { RuntimeStatus: OrchestrationRuntimeStatus.Failed } && (after is null || current.CreatedAt > after))
            {
                return current.CreatedAt;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no run of {id} failed: {current?.RuntimeStatus}");
            await Task.Delay(100);
        }
    }

    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }

    /// <summary>A study that stays stalled is signalled less and less often: the minimum age doubled per sweep, at most six hours.</summary>
    [Theory]
    [InlineData(0, null, true)] // never swept
    [InlineData(1, 3.9, false)] // 2 min doubled once: 4 min
    [InlineData(1, 4.0, true)]
    [InlineData(3, 15.9, false)] // 2 min x 8 = 16 min
    [InlineData(3, 16.0, true)]
    [InlineData(12, 359.0, false)] // capped at six hours
    [InlineData(12, 360.0, true)]
    public void The_sweep_backs_off_from_a_study_it_has_signalled_before(int sweeps, double? minutesSinceLastSweep, bool due)
    {
        var now = DateTimeOffset.UtcNow;
        var instance = new StalledInstance("t", "s", "i", 1, now.AddHours(-12), sweeps, minutesSinceLastSweep is { } m ? now.AddMinutes(-m) : null);
        Assert.Equal(due, StalledInstanceSweep.IsDue(instance, TimeSpan.FromMinutes(2), now));
    }

    /// <summary>Ingests <paramref name="count"/> instances, signals the manifest and each instance, and waits for the study's run to complete.</summary>
    private async Task<(List<AcceptedInstance> Accepted, string StudyKey, StudyAssemblyClient Client, string Id, OrchestrationMetadata Completed)> CompleteStudyAsync(int count, string upload)
    {
        var accepted = await IngestAsync(count, upload: upload);
        var studyKey = accepted[0].StudyKey;
        var client = new StudyAssemblyClient(_host.Client, Retry);
        await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromSeconds(30), StudyEvent.Manifest(count));
        foreach (var instance in accepted)
        {
            await client.SignalAsync("hospital-a", studyKey, TimeSpan.FromSeconds(30), StudyEvent.Instance(instance.SopKey, instance.Version));
        }

        var id = StudyAssembly.InstanceId("hospital-a", studyKey);
        var completed = await _host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, completed.RuntimeStatus);
        return (accepted, studyKey, client, id, completed);
    }

    /// <summary>Waits for the run that a signal after completion starts (not the completed one before it) to complete.</summary>
    private async Task<OrchestrationMetadata> NextRunCompletedAsync(string id, OrchestrationMetadata previous)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var current = await _host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
            if (current is { RuntimeStatus: OrchestrationRuntimeStatus.Completed } && current.CreatedAt > previous.CreatedAt)
            {
                return current;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no new run of {id} completed: {current?.RuntimeStatus} created {current?.CreatedAt:O}");
            await Task.Delay(100);
        }
    }

    /// <summary>The event ids the engine and the orchestrations logged; and the messages on the console with TELERAD_DEBUG_DURABLE=1.</summary>
    private sealed class LogRecord(bool writeToConsole)
    {
        public System.Collections.Concurrent.ConcurrentQueue<int> EventIds { get; } = new();

        public bool WriteToConsole { get; } = writeToConsole;
    }

    private sealed class RecordingLoggerFactory(LogRecord record) : Microsoft.Extensions.Logging.ILoggerFactory
    {
        public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider)
        {
        }

        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new RecordingLogger(categoryName, record);

        public void Dispose()
        {
        }

        private sealed class RecordingLogger(string category, LogRecord record) : Microsoft.Extensions.Logging.ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Information;

            public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                record.EventIds.Enqueue(eventId.Id);
                if (record.WriteToConsole)
                {
                    Console.Error.WriteLine($"LOG {logLevel} {category}: {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}");
                }
            }
        }
    }

    /// <summary>Holds de-identification activities (at their last step) while <see cref="Hold"/> is set, to make an event arrive mid-batch.</summary>
    private sealed class GatedReidentificationStore(IReidentificationStore inner) : IReidentificationStore
    {
        public volatile TaskCompletionSource? Hold;

        /// <summary>When set, every save fails: the de-identify activities fail, and so do the runs that call them.</summary>
        public volatile bool Fail;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task SaveAsync(ReidentificationEntry entry, CancellationToken cancellationToken = default)
        {
            if (Fail)
            {
                throw new InvalidOperationException("The re-identification store is unavailable (test).");
            }

            if (Hold is { } hold)
            {
                Entered.TrySetResult();
                await hold.Task.WaitAsync(cancellationToken);
            }

            await inner.SaveAsync(entry, cancellationToken);
        }

        public Task<ReidentificationEntry?> GetAsync(string tenantId, string deidentifiedStudyInstanceUid, string actor, string purpose, CancellationToken cancellationToken = default) =>
            inner.GetAsync(tenantId, deidentifiedStudyInstanceUid, actor, purpose, cancellationToken);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(50);
        }
    }
}
