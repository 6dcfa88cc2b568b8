using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Telerad.Workflow;

/// <summary>
/// The critical-result loop's services, registered the same way by every host (the Azure Functions app, Telerad.Local,
/// tests). The orchestrator and activity classes are registered with the Durable Task registry by
/// <see cref="WorkflowRegistration.AddTeleradWorkflows"/>.
/// </summary>
/// <remarks>Needs in the container: IObjectStore, IAuditLog, INotificationPublisher, LinkTokens, StudyLinkOptions, and
/// either a ReadingConfiguration (then <see cref="ConfiguredCriticalResultDirectory"/> is used) or an
/// <see cref="ICriticalResultDirectory"/>; for the Durable Task activity classes also an <see cref="IOrchestrationGateway"/>
/// (Functions' hand-written activity wrapper passes its [DurableClient] instead).</remarks>
public static class CriticalResultRegistration
{
    public static IServiceCollection AddTeleradCriticalResults(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new CriticalResultOptions());
        services.TryAddSingleton<ICriticalResultDirectory, ConfiguredCriticalResultDirectory>();
        services.TryAddSingleton<CriticalResultRecords>();
        services.TryAddSingleton<CriticalResultLinks>();
        services.TryAddSingleton<CriticalResultActivities>();
        services.TryAddSingleton<CriticalResultAcknowledgments>();
        services.TryAddSingleton<CriticalResultMetrics>();
        services.TryAddSingleton<StartCriticalResultActivity>();
        services.TryAddSingleton<AiCriticalHeadsUpActivity>();
        services.TryAddSingleton<AlertCriticalResultActivity>();
        services.TryAddSingleton<EmergencyCriticalResultActivity>();
        services.TryAddSingleton<CompleteCriticalResultActivity>();
        services.TryAddSingleton<ICriticalResultCommunicationDelivery, UnconfiguredCommunicationDelivery>();
        services.TryAddSingleton<CriticalResultCommunicationActivities>();
        services.TryAddSingleton<DeliverCriticalResultCommunicationActivity>();
        return services;
    }
}
