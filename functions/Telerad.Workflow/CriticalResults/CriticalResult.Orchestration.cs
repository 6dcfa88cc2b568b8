using Microsoft.Extensions.Logging;

namespace Telerad.Workflow;

/// <summary>
/// The CriticalResultV1 orchestrator. Deterministic: time only from the context, no I/O. It walks the chain of its
/// input once (a bounded loop: at most <see cref="CriticalResult.MaxChainLength"/> recipients, so the history stays a
/// few dozen events and needs no ContinueAsNew): alert, then wait for the acknowledgment raced against the severity's
/// timer, the loser cancelled at once. An acknowledgment from anyone of the chain, also from a recipient alerted
/// earlier, closes the loop. Nobody → the emergency operations alert, and the loop ends unacknowledged.
/// </summary>
[DurableTask(CriticalResult.OrchestratorName)]
public sealed class CriticalResultOrchestrator : TaskOrchestrator<CriticalResultInput, CriticalResultOutcome>
{
    public override async Task<CriticalResultOutcome> RunAsync(TaskOrchestrationContext context, CriticalResultInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var log = context.CreateReplaySafeLogger<CriticalResultOrchestrator>();
        var options = input.Retry.ToTaskOptions();
        var recipients = Math.Min(input.Chain.Count, CriticalResult.MaxChainLength);
        var attempts = 0;
        for (var index = 0; index < recipients; index++)
        {
            var recipient = input.Chain[index];
            attempts = index + 1;
            context.SetCustomStatus($"attempt {attempts} of {recipients}: {recipient.Kind}");
            try
            {
                await context.CallActivityAsync<CriticalResultAttemptRecord>(
                    CriticalResult.AlertActivityName, new CriticalResultAlertRequest(input, attempts, context.CurrentUtcDateTime), options);
            }
            catch (TaskFailedException e)
            {
                // Not delivered: waiting for this person is pointless, the next one is alerted now.
                CriticalResultLog.AlertFailed(log, input.ReportId, input.StudyKey, recipient.Id, e.FailureDetails.ErrorType);
                continue;
            }

            CriticalResultLog.Alerted(log, input.ReportId, input.StudyKey, attempts, recipient.Kind, recipient.Id);

            // The alert goes into the referrer's record while the acknowledgment is awaited (never delaying the wait).
            var until = context.CurrentUtcDateTime + input.AcknowledgmentTimeout;
            var recorded = RecordInEhrAsync(context, input, attempts);
            var acknowledgment = await WaitForAcknowledgmentAsync(context, until);
            await recorded;
            if (acknowledgment is not null)
            {
                CriticalResultLog.Acknowledged(log, input.ReportId, input.StudyKey, acknowledgment.RecipientId, acknowledgment.Method, attempts);
                var outcome = await CompleteAsync(context, input, attempts, emergencyAlerted: false, acknowledgment);
                await RecordInEhrAsync(context, input, attempt: null);
                return outcome;
            }

            CriticalResultLog.Escalating(log, input.ReportId, input.StudyKey, recipient.Id, input.AcknowledgmentTimeout);
        }

        CriticalResultLog.Exhausted(log, input.ReportId, input.StudyKey, input.Tenant, attempts);
        context.SetCustomStatus("emergency");
        var emergencyAlerted = true;
        try
        {
            await context.CallActivityAsync<CriticalResultAttemptRecord>(
                CriticalResult.EmergencyActivityName, new CriticalResultEmergencyRequest(input, recipients + 1, context.CurrentUtcDateTime), options);
        }
        catch (TaskFailedException e)
        {
            emergencyAlerted = false;
            CriticalResultLog.EmergencyFailed(log, input.ReportId, input.StudyKey, input.Tenant, e.FailureDetails.ErrorType);
        }

        // An acknowledgment that arrives from now on is applied to the metrics record by the acknowledgment handler.
        return await CompleteAsync(context, input, attempts, emergencyAlerted, acknowledgment: null);
    }

    /// <summary>
    /// A loop step as a FHIR Communication to the referrer (attempt n's alert, or the acknowledgment when
    /// <paramref name="attempt"/> is null). Its failure is logged and alerted by the activity; the loop never waits on it.
    /// </summary>
    private static async Task RecordInEhrAsync(TaskOrchestrationContext context, CriticalResultInput input, int? attempt)
    {
        var request = new CriticalResultCommunicationRequest(input.Tenant, input.StudyKey, input.ReportId, attempt, input.Retry);
        try
        {
            await context.CallActivityAsync<ReportDeliveryOutcome>(CriticalResult.CommunicationActivityName, request, input.Retry.ToTaskOptions());
        }
        catch (TaskFailedException e)
        {
            CriticalResultLog.CommunicationFailed(context.CreateReplaySafeLogger<CriticalResultOrchestrator>(), input.ReportId, input.StudyKey, request.Step, e.FailureDetails.ErrorType);
        }
    }

    private static async Task<CriticalResultOutcome> CompleteAsync(TaskOrchestrationContext context, CriticalResultInput input, int attempts, bool emergencyAlerted, CriticalResultAcknowledgment? acknowledgment)
    {
        var outcome = await context.CallActivityAsync<CriticalResultOutcome>(
            CriticalResult.CompleteActivityName, new CriticalResultCompleteRequest(input, attempts, emergencyAlerted, acknowledgment, context.CurrentUtcDateTime), input.Retry.ToTaskOptions());
        context.SetCustomStatus(outcome.Status);
        return outcome;
    }

    /// <summary>The acknowledgment, or null when <paramref name="until"/> comes first; the wait that lost is cancelled.</summary>
    private static async Task<CriticalResultAcknowledgment?> WaitForAcknowledgmentAsync(TaskOrchestrationContext context, DateTime until)
    {
        using var cancellation = new CancellationTokenSource();
        var arrival = context.WaitForExternalEvent<CriticalResultAcknowledgment>(CriticalResult.EventName, cancellation.Token);
        var timer = context.CreateTimer(until, cancellation.Token);
        var first = await Task.WhenAny(arrival, timer);

        // Synchronous on purpose (see StudyAssemblyOrchestrator): the losing wait is cancelled inside the replay.
        cancellation.Cancel();
        return first == arrival ? await arrival : null;
    }
}
