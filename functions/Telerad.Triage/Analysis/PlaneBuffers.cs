namespace Telerad.Triage;

/// <summary>
/// The preprocessed planes of a study (300 slices at 128 x 128 are 20 MB of floats), kept for the next study. A new
/// array of that size costs the kernel's page zeroing and faults on first write: in the benchmark the runs that got a
/// fresh array from ArrayPool.Shared (an array returned on another thread is not found) spent 87-133 ms preprocessing
/// instead of ~30. One spare is kept, up to <see cref="MaxKeptLength"/>: concurrent studies allocate their own.
/// </summary>
internal sealed class PlaneBuffers
{
    /// <summary>64 MB of floats (about 1,000 slices at 128 x 128): larger arrays are not held between studies.</summary>
    internal const int MaxKeptLength = 16 << 20;

    private float[]? _spare;

    /// <summary>An array of at least <paramref name="length"/> floats; its contents are undefined.</summary>
    public float[] Rent(int length)
    {
        var spare = Interlocked.Exchange(ref _spare, null);
        if (spare is not null && spare.Length >= length)
        {
            return spare;
        }

        if (spare is not null)
        {
            Return(spare); // too small for this study, still the right size for the next usual one
        }

        return GC.AllocateUninitializedArray<float>(length);
    }

    /// <summary>Keeps <paramref name="planes"/> for the next study unless it is too large or a larger one is kept.</summary>
    public void Return(float[] planes)
    {
        if (planes.Length > MaxKeptLength)
        {
            return;
        }

        var kept = Volatile.Read(ref _spare);
        while (kept is null || kept.Length < planes.Length)
        {
            var seen = Interlocked.CompareExchange(ref _spare, planes, kept);
            if (ReferenceEquals(seen, kept))
            {
                return;
            }

            kept = seen;
        }
    }

    /// <summary>The array kept for the next study (tests).</summary>
    internal float[]? Spare => Volatile.Read(ref _spare);
}
