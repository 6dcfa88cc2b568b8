using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Telerad.Notifications;
using Telerad.Reading.Configuration;

namespace Telerad.Workflow;

/// <summary>
/// The host-independent part of the reading workflow, registered the same way by every host: the configuration
/// provider, the assignment engine behind <see cref="IReaderAssigner"/>, ReadStudy's activities, the starter and the
/// API handlers. The host adds what differs: the configuration store, the worklist and audit stores, the notification
/// publisher, the link signing keys and <see cref="StudyLinkOptions"/>.
/// </summary>
/// <remarks>Needs in the container: IReadingConfigurationStore, IReadingWorklist, IAuditLog, IAuditQuery, IObjectStore,
/// INotificationPublisher, LinkSigningKeys, StudyLinkOptions, StudyAssemblyOptions.</remarks>
public static class ReadingRegistration
{
    /// <remarks>ReadStudy's activities retry with the host's StudyAssemblyOptions (registered by the pipeline).</remarks>
    public static IServiceCollection AddTeleradReading(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new DeliveryRetryPolicy());
        services.AddSingleton(sp => new ReadingConfigurationProvider(
            sp.GetRequiredService<IReadingConfigurationStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ReadingConfigurationProvider>>()));
        services.AddSingleton(sp => new LinkTokens(sp.GetRequiredService<LinkSigningKeys>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<StudyLinks>();
        services.AddSingleton<IReaderAssigner, ConfiguredReaderAssigner>();
        services.AddSingleton<ReadingActivities>();
        services.AddSingleton<ReadingStarter>();
        services.AddSingleton<ReadingApi>();
        services.TryAddSingleton<IReportDelivery, UnconfiguredReportDelivery>();
        services.AddSingleton<ResultsActivities>();
        services.AddSingleton<ResultsApi>();
        services.TryAddSingleton<ICriticalResultDirectory, ProvidedCriticalResultDirectory>();
        services.AddTeleradCriticalResults();
        services.AddSingleton<CriticalResultsApi>();
        return services;
    }
}
