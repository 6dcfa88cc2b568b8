namespace Telerad.Local;

/// <summary>
/// Which upload folders of `incoming` ({tenant}/{upload-id}/) the poller lists in a pass. Without Event Grid, listing
/// everything every pass costs in proportion to all that was ever uploaded (2,940 objects: 340-470 ms of Azurite per
/// pass); an upload that has stopped changing is settled and listed again only every <see cref="LocalOptions.UploadRescanInterval"/>
/// (a resumed upload is found by then), while active ones are listed every pass. An upload found complete (its manifest
/// and everything listed with it handled) settles at once: listing its folder again while its study is de-identified
/// only takes Azurite's time from that work. Not thread-safe: one poller uses it.
/// </summary>
public sealed class UploadFolders(TimeSpan settleAfter, TimeSpan rescanInterval)
{
    private readonly Dictionary<string, (DateTimeOffset LastChange, DateTimeOffset LastListed)> _folders = new(StringComparer.Ordinal);

    /// <summary>Folders listed in full at the last pass (for tests and /health's curious).</summary>
    public int ListedLastPass { get; private set; }

    /// <summary>Folders seen so far.</summary>
    public int Known => _folders.Count;

    /// <summary>Starts a pass.</summary>
    public void BeginPass() => ListedLastPass = 0;

    /// <summary>
    /// True if the folder is listed in this pass: never listed (new, or the host restarted), active (something new in it
    /// within <c>settleAfter</c>), or settled and not listed for <c>rescanInterval</c>.
    /// </summary>
    public bool ShouldList(string folder, DateTimeOffset now)
    {
        var list = !_folders.TryGetValue(folder, out var state)
            || now - state.LastChange < settleAfter
            || now - state.LastListed >= rescanInterval;
        if (list)
        {
            ListedLastPass++;
        }

        return list;
    }

    /// <summary>The folder was listed; <paramref name="changed"/>: it had objects not handled yet (new, or failing and retried).</summary>
    public void Listed(string folder, DateTimeOffset now, bool changed)
    {
        var lastChange = changed ? now : _folders.TryGetValue(folder, out var state) ? state.LastChange : DateTimeOffset.MinValue;
        _folders[folder] = (lastChange, now);
    }

    /// <summary>The upload in the folder is complete (the poller checked it): settled now, listed again only at its rescans.</summary>
    public void Complete(string folder, DateTimeOffset now) => _folders[folder] = (DateTimeOffset.MinValue, now);
}
