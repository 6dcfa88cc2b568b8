namespace Telerad.Local.Tests;

/// <summary>Which upload folders the poller lists in full: new and changing ones every pass, settled ones now and then.</summary>
public class UploadFoldersTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_folder_is_listed_while_it_changes_then_only_at_each_rescan_and_again_every_pass_after_a_change()
    {
        var folders = new UploadFolders(settleAfter: TimeSpan.FromMinutes(2), rescanInterval: TimeSpan.FromMinutes(1));
        var f = "t1/u1/";

        Assert.True(folders.ShouldList(f, T0)); // never seen
        folders.Listed(f, T0, changed: true);
        Assert.True(folders.ShouldList(f, T0.AddSeconds(1))); // active
        folders.Listed(f, T0.AddSeconds(1), changed: false);
        Assert.True(folders.ShouldList(f, T0.AddSeconds(119))); // still within two minutes of its last change
        folders.Listed(f, T0.AddSeconds(119), changed: false);

        Assert.False(folders.ShouldList(f, T0.AddSeconds(121))); // settled, listed 2 s ago
        Assert.False(folders.ShouldList(f, T0.AddSeconds(178)));
        Assert.True(folders.ShouldList(f, T0.AddSeconds(179))); // a minute after it was last listed: rescan
        folders.Listed(f, T0.AddSeconds(179), changed: true); // a resumed upload added an object
        Assert.True(folders.ShouldList(f, T0.AddSeconds(180))); // active again
    }

    [Fact]
    public void After_a_restart_a_folder_with_nothing_new_settles_at_its_first_listing()
    {
        var folders = new UploadFolders(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1));
        folders.BeginPass();
        Assert.True(folders.ShouldList("t1/old/", T0));
        folders.Listed("t1/old/", T0, changed: false);
        Assert.Equal((1, 1), (folders.ListedLastPass, folders.Known));

        folders.BeginPass();
        Assert.False(folders.ShouldList("t1/old/", T0.AddSeconds(1)));
        Assert.Equal(0, folders.ListedLastPass);
    }

    [Fact]
    public void A_complete_upload_settles_at_once_and_is_listed_again_only_at_its_rescans()
    {
        var folders = new UploadFolders(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1));
        var f = "t1/u1/";
        Assert.True(folders.ShouldList(f, T0));
        folders.Listed(f, T0, changed: true);

        folders.Complete(f, T0.AddSeconds(1));

        Assert.False(folders.ShouldList(f, T0.AddSeconds(2))); // without Complete it would be active for two minutes
        Assert.False(folders.ShouldList(f, T0.AddSeconds(60)));
        Assert.True(folders.ShouldList(f, T0.AddSeconds(61))); // the rescan still finds a resumed upload
    }
}
