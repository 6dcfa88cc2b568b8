using System.Collections.Concurrent;

namespace Telerad.Azure;

/// <summary>
/// Group commit for append objects: lines that writers hand in while an append to the same target is under way go
/// out together in the next append block. A writer's call returns only when the block holding its line is stored, and
/// throws what storing it threw, so a line is stored when the call returns, and wholly or not at all (one block is one
/// atomic append). Concurrent writers (ingestion handles 8 objects at a time, each audited) then cost one request, not
/// one each, and an append blob's 50,000 blocks last longer. Nothing waits for company: a lone writer appends at once.
/// </summary>
/// <param name="appendBlock">Appends one block to the target (the caller's own retries and part rollover inside).</param>
/// <param name="maxBlockBytes">The most bytes one block holds (Azure takes up to 4 MiB per append); a longer line goes alone.</param>
internal sealed class AppendGroupCommit(Func<string, ReadOnlyMemory<byte>, Task> appendBlock, int maxBlockBytes = AppendGroupCommit.DefaultMaxBlockBytes)
{
    public const int DefaultMaxBlockBytes = 1 << 20;

    /// <summary>Lanes kept before idle ones are let go (the audit log has one target per tenant and day).</summary>
    internal const int MaxIdleLanes = 64;

    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    /// <summary>Targets with a lane now (for tests).</summary>
    internal int Lanes => _lanes.Count;

    /// <summary>
    /// Appends <paramref name="line"/> to <paramref name="target"/>, in a block with whatever else waits for it. Cancelled
    /// while it waits its turn, the line is withdrawn; once its block is being appended, that append runs to its end
    /// (other writers' lines are in it) and the caller only stops waiting for it.
    /// </summary>
    public async Task AppendAsync(string target, ReadOnlyMemory<byte> line, CancellationToken cancellationToken)
    {
        var mine = new Waiting(line);
        var lane = LaneOf(target);
        lane.Queue.Enqueue(mine);
        try
        {
            await lane.Turn.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Withdrawn, unless a writer before it has already taken it into a block.
            mine.Stored.TrySetCanceled(cancellationToken);
            throw;
        }

        try
        {
            // Blocks go out in arrival order until one has held this line (the lines after it wait for their own turn).
            while (!mine.Stored.Task.IsCompleted)
            {
                await AppendNextBlockAsync(target, lane);
            }
        }
        finally
        {
            lane.Turn.Release();
        }

        await mine.Stored.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The target's lane; only when one is added are idle ones counted (the count takes every lock of the map).</summary>
    private Lane LaneOf(string target)
    {
        if (_lanes.TryGetValue(target, out var lane))
        {
            return lane;
        }

        lane = _lanes.GetOrAdd(target, static _ => new Lane());
        if (_lanes.Count > MaxIdleLanes)
        {
            LetIdleLanesGo(target);
        }

        return lane;
    }

    /// <summary>Only an optimisation lets go of a lane: a writer still holding one appends through it, and one arriving
    /// later through a new lane; two appends to the same target at once are what append objects are for.</summary>
    private void LetIdleLanesGo(string keep)
    {
        foreach (var (target, lane) in _lanes)
        {
            if (target != keep && lane.Queue.IsEmpty && lane.Turn.CurrentCount == 1)
            {
                _lanes.TryRemove(target, out _);
            }
        }
    }

    private async Task AppendNextBlockAsync(string target, Lane lane)
    {
        var block = new List<Waiting>();
        var bytes = 0;
        while (lane.Queue.TryPeek(out var next) && (block.Count == 0 || bytes + next.Line.Length <= maxBlockBytes))
        {
            lane.Queue.TryDequeue(out _);
            if (next.Stored.Task.IsCompleted)
            {
                continue; // withdrawn by its writer
            }

            block.Add(next);
            bytes += next.Line.Length;
        }

        if (block.Count == 0)
        {
            return;
        }

        try
        {
            await appendBlock(target, Concatenate(block, bytes));
        }
        catch (Exception e)
        {
            foreach (var waiting in block)
            {
                waiting.Stored.TrySetException(e);
            }

            return;
        }

        foreach (var waiting in block)
        {
            waiting.Stored.TrySetResult();
        }
    }

    private static ReadOnlyMemory<byte> Concatenate(List<Waiting> block, int bytes)
    {
        if (block.Count == 1)
        {
            return block[0].Line;
        }

        var joined = new byte[bytes];
        var at = 0;
        foreach (var waiting in block)
        {
            waiting.Line.Span.CopyTo(joined.AsSpan(at));
            at += waiting.Line.Length;
        }

        return joined;
    }

    /// <summary>One target's queue of lines and whose turn it is to append.</summary>
    private sealed class Lane
    {
        public ConcurrentQueue<Waiting> Queue { get; } = new();

        public SemaphoreSlim Turn { get; } = new(1, 1);
    }

    private sealed class Waiting(ReadOnlyMemory<byte> line)
    {
        public ReadOnlyMemory<byte> Line { get; } = line;

        public TaskCompletionSource Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
