namespace Telerad.Workflow;

/// <summary>
/// The DeliverReportV1 orchestrator: a bounded number of rounds, each one activity, durable timers between them; the
/// outcome is recorded (delivered, or dead-lettered with an operations alert) by the record activity.
/// </summary>
[DurableTask(DeliverReport.OrchestratorName)]
public sealed class DeliverReportOrchestrator : TaskOrchestrator<DeliverReportInput, DeliveryRecord>
{
    public override async Task<DeliveryRecord> RunAsync(TaskOrchestrationContext context, DeliverReportInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var options = input.Policy.ActivityRetry.ToTaskOptions();
        ReportDeliveryOutcome outcome = new(ReportDeliveryOutcome.Retryable, "not-attempted");
        var round = 0;
        while (round < input.Policy.MaxRounds)
        {
            round++;
            context.SetCustomStatus($"round {round}");
            try
            {
                outcome = await context.CallActivityAsync<ReportDeliveryOutcome>(
                    DeliverReport.DeliverActivityName, new ReportDeliveryRequest(input.Tenant, input.StudyKey, input.ReportId, input.ReportKind, round), options);
            }
            catch (TaskFailedException e)
            {
                // The activity itself failed after its retries (storage down, a bug): a round lost, not the report.
                outcome = new ReportDeliveryOutcome(ReportDeliveryOutcome.Retryable, "activity-failed:" + e.FailureDetails.ErrorType);
            }

            if (outcome.Status != ReportDeliveryOutcome.Retryable || round == input.Policy.MaxRounds)
            {
                break;
            }

            await context.CreateTimer(context.CurrentUtcDateTime + input.Policy.DelayAfter(round - 1), CancellationToken.None);
        }

        var status = outcome.Status == ReportDeliveryOutcome.Delivered ? ReportDeliveryOutcome.Delivered : "failed";
        var record = new DeliveryRecord(input.Tenant, input.StudyKey, input.ReportId, input.ReportKind, status, round, outcome);
        await context.CallActivityAsync(DeliverReport.RecordActivityName, record, options);
        context.SetCustomStatus(status);
        return record;
    }
}
