using Microsoft.Extensions.Logging;
using Telerad.Reading.Configuration;

namespace Telerad.Workflow;

/// <summary>
/// The reading configuration as the activities see it: loaded from its store (blob <c>config/</c> in Azure, a folder
/// locally), validated, and kept for <see cref="ReloadInterval"/>. A reload that fails keeps the last good configuration
/// (an operator's typo must not stop assignment) and logs the problem codes; with no good configuration ever loaded
/// the load error is thrown, listing every problem.
/// </summary>
public sealed class ReadingConfigurationProvider(IReadingConfigurationStore store, TimeProvider clock, ILogger<ReadingConfigurationProvider> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ReadingConfiguration? _current;
    private DateTimeOffset _loadedAt;

    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromMinutes(1);

    public async Task<ReadingConfiguration> GetAsync(CancellationToken cancellationToken = default)
    {
        var current = _current;
        if (current is not null && clock.GetUtcNow() - _loadedAt < ReloadInterval)
        {
            return current;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is { } fresh && clock.GetUtcNow() - _loadedAt < ReloadInterval)
            {
                return fresh;
            }

            var result = await ReadingConfigurationLoader.TryLoadAsync(store, cancellationToken).ConfigureAwait(false);
            if (result.Configuration is { } loaded)
            {
                (_current, _loadedAt) = (loaded, clock.GetUtcNow());
                return loaded;
            }

            var codes = string.Join(", ", result.Errors.Select(e => $"{e.Document} {e.Path} {e.Code}").Take(10));
            if (_current is { } lastGood)
            {
                ReadingLog.ConfigurationReloadFailed(logger, result.Errors.Count, codes);
                _loadedAt = clock.GetUtcNow(); // try again after the interval, not on every call
                return lastGood;
            }

            throw new ReadingConfigurationException(result.Errors);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The configuration, or null when none has ever loaded (the API answers 503 then).</summary>
    public async Task<ReadingConfiguration?> TryGetAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ReadingConfigurationException)
        {
            return null;
        }
    }

    public void Dispose() => _gate.Dispose();
}
