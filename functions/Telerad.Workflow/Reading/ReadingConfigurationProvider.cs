using Microsoft.Extensions.Logging;
using Telerad.Reading.Configuration;

namespace Telerad.Workflow;

/// <summary>
/// The reading configuration as the activities see it: loaded from its store (blob <c>config/</c> in Azure, a folder
/// locally), validated, and kept for <see cref="ReloadInterval"/>. A reload that fails keeps the last good configuration
/// (an operator's typo must not stop assignment) and logs the problem codes; with no good configuration ever loaded
/// the load error is thrown, listing every problem.
/// </summary>
public sealed class ReadingConfigurationProvider : IDisposable
{
    private readonly ReloadingDocument<ReadingConfiguration, ReadingConfigurationException> _document;

    public ReadingConfigurationProvider(IReadingConfigurationStore store, TimeProvider clock, ILogger<ReadingConfigurationProvider> logger)
    {
        _document = new(
            async cancellationToken =>
            {
                var result = await ReadingConfigurationLoader.TryLoadAsync(store, cancellationToken).ConfigureAwait(false);
                return result.Configuration ?? throw new ReadingConfigurationException(result.Errors);
            },
            e => ReadingLog.ConfigurationReloadFailed(logger, e.Errors.Count, string.Join(", ", e.Errors.Select(r => $"{r.Document} {r.Path} {r.Code}").Take(10))),
            clock);
    }

    public TimeSpan ReloadInterval
    {
        get => _document.ReloadInterval;
        init => _document.ReloadInterval = value;
    }

    public Task<ReadingConfiguration> GetAsync(CancellationToken cancellationToken = default) => _document.GetAsync(cancellationToken);

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

    public void Dispose() => _document.Dispose();
}
