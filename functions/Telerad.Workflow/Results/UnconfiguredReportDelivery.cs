namespace Telerad.Workflow;

/// <summary>
/// The delivery a host has until it is given a FHIR one: every report version ends as a dead letter with the code
/// <see cref="Code"/> and an operations alert (never silently dropped); the report stays stored and can be retried.
/// </summary>
public sealed class UnconfiguredReportDelivery : IReportDelivery
{
    public const string Code = "delivery-not-configured";

    public Task<ReportDeliveryOutcome> DeliverAsync(ReportDeliveryRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ReportDeliveryOutcome(ReportDeliveryOutcome.Permanent, Code));
}
