using System.Collections.Concurrent;
using System.Text;

namespace Telerad.Azure.Tests;

/// <summary>
/// Group commit of append blocks, against a recording append (no storage: what is under test is which lines go out
/// in which block, and when each writer is released). AppendBlobAuditLogTests runs it against Azurite.
/// </summary>
public sealed class AppendGroupCommitTests
{
    [Fact]
    public async Task A_lone_writer_appends_its_line_at_once()
    {
        var target = new RecordingAppend();
        var commit = new AppendGroupCommit(target.AppendAsync);

        await commit.AppendAsync("t/2026/11/29", Line("a"), CancellationToken.None);

        Assert.Equal(["t/2026/11/29 a\n"], target.Blocks);
    }

    [Fact]
    public async Task Lines_handed_in_while_a_block_is_appended_go_out_together_in_the_next_and_each_writer_returns_when_its_block_is_stored()
    {
        var target = new RecordingAppend { HoldFirst = true };
        var commit = new AppendGroupCommit(target.AppendAsync);
        var first = commit.AppendAsync("day", Line("1"), CancellationToken.None);
        await target.FirstStarted.Task;

        var others = Enumerable.Range(2, 7).Select(i => commit.AppendAsync("day", Line(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), CancellationToken.None)).ToList();
        await WaitUntilAsync(() => target.Blocks.Count == 0 && others.All(o => !o.IsCompleted));
        Assert.False(first.IsCompleted); // its block is not stored yet

        target.ReleaseFirst.SetResult();
        await Task.WhenAll([first, .. others]);

        Assert.Equal(["day 1\n", "day 2\n3\n4\n5\n6\n7\n8\n"], target.Blocks);
    }

    [Fact]
    public async Task A_block_that_fails_fails_every_writer_in_it_and_the_next_block_goes_on()
    {
        var target = new RecordingAppend { HoldFirst = true, FailBlock = 2 };
        var commit = new AppendGroupCommit(target.AppendAsync);
        var first = commit.AppendAsync("day", Line("1"), CancellationToken.None);
        await target.FirstStarted.Task;
        var second = commit.AppendAsync("day", Line("2"), CancellationToken.None);
        var third = commit.AppendAsync("day", Line("3"), CancellationToken.None);
        await WaitUntilAsync(() => !second.IsCompleted && !third.IsCompleted);
        target.ReleaseFirst.SetResult();

        await first;
        Assert.Equal("refused", (await Assert.ThrowsAsync<IOException>(() => second)).Message);
        Assert.Equal("refused", (await Assert.ThrowsAsync<IOException>(() => third)).Message);
        await commit.AppendAsync("day", Line("4"), CancellationToken.None);

        Assert.Equal(["day 1\n", "day 4\n"], target.Blocks);
    }

    [Fact]
    public async Task A_block_holds_at_most_the_byte_limit_and_a_longer_line_goes_alone()
    {
        var target = new RecordingAppend { HoldFirst = true };
        var commit = new AppendGroupCommit(target.AppendAsync, maxBlockBytes: 6);
        var first = commit.AppendAsync("day", Line("0"), CancellationToken.None);
        await target.FirstStarted.Task;
        var waiting = new[] { "ab", "cd", "ef", "too-long", "gh" }.Select(l => commit.AppendAsync("day", Line(l), CancellationToken.None)).ToList();
        target.ReleaseFirst.SetResult();
        await Task.WhenAll([first, .. waiting]);

        // Arrival order kept; "ab\ncd\n" is 6 bytes; the 9-byte line is a block of its own.
        Assert.Equal(["day 0\n", "day ab\ncd\n", "day ef\n", "day too-long\n", "day gh\n"], target.Blocks);
    }

    [Fact]
    public async Task A_writer_cancelled_while_it_waits_its_turn_is_withdrawn()
    {
        var target = new RecordingAppend { HoldFirst = true };
        var commit = new AppendGroupCommit(target.AppendAsync);
        var first = commit.AppendAsync("day", Line("1"), CancellationToken.None);
        await target.FirstStarted.Task;
        using var cancel = new CancellationTokenSource();
        var withdrawn = commit.AppendAsync("day", Line("2"), cancel.Token);
        var kept = commit.AppendAsync("day", Line("3"), CancellationToken.None);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withdrawn);
        target.ReleaseFirst.SetResult();
        await Task.WhenAll(first, kept);

        Assert.Equal(["day 1\n", "day 3\n"], target.Blocks);
    }

    [Fact]
    public async Task Targets_do_not_share_blocks_and_idle_lanes_are_let_go()
    {
        var target = new RecordingAppend();
        var commit = new AppendGroupCommit(target.AppendAsync);
        for (var day = 0; day < AppendGroupCommit.MaxIdleLanes * 2; day++)
        {
            await commit.AppendAsync($"day{day}", Line("x"), CancellationToken.None);
        }

        Assert.Equal(AppendGroupCommit.MaxIdleLanes * 2, target.Blocks.Count);
        Assert.InRange(commit.Lanes, 1, AppendGroupCommit.MaxIdleLanes + 1);
    }

    private static byte[] Line(string text) => Encoding.UTF8.GetBytes(text + "\n");

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // Writers queue without signalling anyone; give them time to reach their wait (and prove they stay there).
        await Task.Delay(200);
        Assert.True(condition());
    }

    /// <summary>Records each appended block as "target content"; can hold the first append open and fail the n-th.</summary>
    private sealed class RecordingAppend
    {
        private readonly ConcurrentQueue<string> _blocks = new();
        private int _calls;

        public bool HoldFirst { get; init; }

        public int FailBlock { get; init; }

        public TaskCompletionSource FirstStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseFirst { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> Blocks => [.. _blocks];

        public async Task AppendAsync(string target, ReadOnlyMemory<byte> block)
        {
            var call = Interlocked.Increment(ref _calls);
            if (call == 1 && HoldFirst)
            {
                FirstStarted.SetResult();
                await ReleaseFirst.Task;
            }

            if (call == FailBlock)
            {
                throw new IOException("refused");
            }

            _blocks.Enqueue(target + " " + Encoding.UTF8.GetString(block.Span));
        }
    }
}
