namespace Telerad.Fhir.Delivery;

/// <summary>
/// Where the sender gets the current endpoint catalog: a configuration document that operations may change while the
/// service runs (hosts), or a fixed catalog (tests, tools). Throws <see cref="FhirEndpointConfigurationException"/> when
/// the configuration does not validate and no good one was ever loaded.
/// </summary>
public interface IFhirEndpointCatalogSource
{
    Task<FhirEndpointCatalog> GetAsync(CancellationToken cancellationToken = default);
}

/// <summary>A catalog that never changes.</summary>
public sealed class FixedFhirEndpointCatalogSource(FhirEndpointCatalog catalog) : IFhirEndpointCatalogSource
{
    public Task<FhirEndpointCatalog> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(catalog);
}
