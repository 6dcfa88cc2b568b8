using Telerad.Storage;

namespace Telerad.Workflow;

/// <summary>
/// The critical-result plan from the hosts' reloading configuration (<see cref="ReadingConfigurationProvider"/>): the
/// configuration in force when the loop starts is the one its snapshot takes.
/// </summary>
public sealed class ProvidedCriticalResultDirectory(ReadingConfigurationProvider configuration, IObjectStore store) : ICriticalResultDirectory
{
    public async Task<CriticalResultPlan> ResolveAsync(string tenant, string studyKey, string severity, CancellationToken cancellationToken = default) =>
        await new ConfiguredCriticalResultDirectory(await configuration.GetAsync(cancellationToken), store).ResolveAsync(tenant, studyKey, severity, cancellationToken);
}
