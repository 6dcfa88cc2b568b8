namespace Telerad.Workflow;

/// <summary>
/// A configuration document that operations may change while the service runs: loaded on first use, kept for
/// <see cref="ReloadInterval"/>, then loaded again. A reload that fails validation keeps the last good value (an
/// operator's typo must not stop the service) and reports the problem through <c>reloadFailed</c>, trying again only
/// after the interval; with no good value ever loaded the load's exception is thrown.
/// </summary>
/// <typeparam name="T">The validated document.</typeparam>
/// <typeparam name="TInvalid">The exception the load throws when the document does not validate.</typeparam>
internal sealed class ReloadingDocument<T, TInvalid>(Func<CancellationToken, Task<T>> load, Action<TInvalid> reloadFailed, TimeProvider clock) : IDisposable
    where T : class
    where TInvalid : Exception
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private T? _current;
    private DateTimeOffset _loadedAt;

    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromMinutes(1);

    public async Task<T> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } current)
        {
            return current;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh() is { } fresh)
            {
                return fresh;
            }

            try
            {
                var loaded = await load(cancellationToken).ConfigureAwait(false);
                (_current, _loadedAt) = (loaded, clock.GetUtcNow());
                return loaded;
            }
            catch (TInvalid e) when (_current is { } lastGood)
            {
                reloadFailed(e);
                _loadedAt = clock.GetUtcNow(); // try again after the interval, not on every call
                return lastGood;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private T? Fresh() => _current is { } current && clock.GetUtcNow() - _loadedAt < ReloadInterval ? current : null;

    public void Dispose() => _gate.Dispose();
}
