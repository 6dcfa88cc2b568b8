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
public sealed class ConfiguredFhirEndpoints : IFhirEndpointCatalogSource, IDisposable
{
    public const string DocumentName = "fhir-endpoints.json";

    private readonly IReadingConfigurationStore _store;
    private readonly ILogger _logger;
    private readonly ReloadingDocument<FhirEndpointCatalog, FhirEndpointConfigurationException> _document;

    public ConfiguredFhirEndpoints(IReadingConfigurationStore store, TimeProvider clock, ILogger<ConfiguredFhirEndpoints> logger)
    {
        (_store, _logger) = (store, logger);
        _document = new(
            LoadAsync,
            e => ResultsLog.EndpointsReloadFailed(logger, DocumentName, e.Errors.Count, string.Join(", ", e.Errors.Select(r => $"{r.Path} {r.Code}").Take(10))),
            clock);
    }

    public TimeSpan ReloadInterval
    {
        get => _document.ReloadInterval;
        init => _document.ReloadInterval = value;
    }

    public Task<FhirEndpointCatalog> GetAsync(CancellationToken cancellationToken = default) => _document.GetAsync(cancellationToken);

    private async Task<FhirEndpointCatalog> LoadAsync(CancellationToken cancellationToken)
    {
        if (await _store.ReadAsync(DocumentName, cancellationToken).ConfigureAwait(false) is not { } bytes)
        {
            ResultsLog.EndpointsAbsent(_logger, DocumentName);
            return FhirEndpointCatalog.Create([]);
        }

        var catalog = FhirEndpointCatalog.Parse(Encoding.UTF8.GetString(bytes));
        ResultsLog.EndpointsLoaded(_logger, catalog.Endpoints.Count);
        return catalog;
    }

    public void Dispose() => _document.Dispose();
}
