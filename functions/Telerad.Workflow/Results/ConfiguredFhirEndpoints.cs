using System.Text;
using Microsoft.Extensions.Logging;
using Telerad.Fhir.Delivery;
using Telerad.Reading.Configuration;

namespace Telerad.Workflow;

/// <summary>
/// The referrers' FHIR endpoints from <see cref="DocumentName"/> beside the reading configuration (blob <c>config/</c> in
/// Azure, the configuration folder locally), validated (docs/results-delivery.md) and kept for
/// <see cref="ReloadInterval"/>. Like the reading configuration, a reload that fails keeps the last good catalog and logs
/// the problem codes; with no good catalog ever loaded the validation error is thrown (the delivery is then permanent
/// with those codes: kept, alerted, retried by operations once fixed). No document means no endpoints.
/// </summary>
public sealed class ConfiguredFhirEndpoints(IReadingConfigurationStore store, TimeProvider clock, ILogger<ConfiguredFhirEndpoints> logger)
    : IFhirEndpointCatalogSource, IDisposable
{
    public const string DocumentName = "fhir-endpoints.json";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private FhirEndpointCatalog? _current;
    private DateTimeOffset _loadedAt;

    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromMinutes(1);

    public async Task<FhirEndpointCatalog> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_current is { } current && clock.GetUtcNow() - _loadedAt < ReloadInterval)
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

            try
            {
                var loaded = await LoadAsync(cancellationToken).ConfigureAwait(false);
                (_current, _loadedAt) = (loaded, clock.GetUtcNow());
                return loaded;
            }
            catch (FhirEndpointConfigurationException e) when (_current is { } lastGood)
            {
                ResultsLog.EndpointsReloadFailed(logger, DocumentName, e.Errors.Count, string.Join(", ", e.Errors.Select(r => $"{r.Path} {r.Code}").Take(10)));
                _loadedAt = clock.GetUtcNow(); // try again after the interval, not on every call
                return lastGood;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<FhirEndpointCatalog> LoadAsync(CancellationToken cancellationToken)
    {
        if (await store.ReadAsync(DocumentName, cancellationToken).ConfigureAwait(false) is not { } bytes)
        {
            ResultsLog.EndpointsAbsent(logger, DocumentName);
            return FhirEndpointCatalog.Create([]);
        }

        var catalog = FhirEndpointCatalog.Parse(Encoding.UTF8.GetString(bytes));
        ResultsLog.EndpointsLoaded(logger, catalog.Endpoints.Count);
        return catalog;
    }

    public void Dispose() => _gate.Dispose();
}
