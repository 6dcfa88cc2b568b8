namespace Telerad.Workflow;

/// <summary>The de-identify batches a StudyAssembly run has started and not yet seen finish, and the instance versions
/// they hold. Orchestrator state: used only inside the orchestrator, on its single thread.</summary>
internal sealed class RunningBatches
{
    private readonly List<(Task<DeidentifyBatchResult> Task, InstanceVersion[] Batch)> _batches = [];
    private readonly Dictionary<string, int> _versions = new(StringComparer.Ordinal);

    public int Count => _batches.Count;

    public int Instances => _versions.Count;

    public IEnumerable<Task> Tasks => _batches.Select(b => (Task)b.Task);

    public void Add(Task<DeidentifyBatchResult> task, InstanceVersion[] batch)
    {
        _batches.Add((task, batch));
        foreach (var instance in batch)
        {
            _versions[instance.SopKey] = instance.Version;
        }
    }

    public bool Has(string sop, int version) => _versions.TryGetValue(sop, out var running) && running >= version;

    /// <summary>Takes a finished batch's instances into <paramref name="done"/>; a batch that failed throws here.</summary>
    public async Task CompleteAsync(Task finished, Dictionary<string, int> done)
    {
        var index = _batches.FindIndex(b => b.Task == finished);
        var (task, batch) = _batches[index];
        _batches.RemoveAt(index);
        foreach (var instance in batch)
        {
            if (_versions.TryGetValue(instance.SopKey, out var version) && version == instance.Version)
            {
                _versions.Remove(instance.SopKey); // unless a newer version of it runs in another batch
            }
        }

        await task;
        foreach (var instance in batch)
        {
            done[instance.SopKey] = done.TryGetValue(instance.SopKey, out var previous) ? Math.Max(previous, instance.Version) : instance.Version;
        }
    }

    public async Task CompleteAllAsync(Dictionary<string, int> done)
    {
        while (_batches.Count > 0)
        {
            await CompleteAsync(_batches[0].Task, done);
        }
    }
}
