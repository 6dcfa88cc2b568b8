using Telerad.Notifications;

namespace Telerad.Workflow;

/// <summary>
/// What ReadStudy does about critical results, as orchestration code it calls (deterministic: activities only). ReadStudy
/// does not wait for the loop: the start activity starts it (start-if-absent) and returns, and reading goes on towards
/// the final report. Neither step can fail a reading: a loop that cannot be started is an operations alert (someone
/// must phone the result), a failed AI heads-up is logged.
/// </summary>
internal static class CriticalResultHook
{
    /// <summary>A radiologist's preliminary or final report flagged critical: start its loop.</summary>
    public static async Task StartAsync(TaskOrchestrationContext context, ReadStudyInput input, ReadingState state, ReadingEvent report, string reportKind, TaskOptions options)
    {
        var reportId = report.ReportId!;
        try
        {
            await context.CallActivityAsync<CriticalResultStart>(
                CriticalResult.StartActivityName,
                new StartCriticalResultRequest(input.Tenant, input.StudyKey, reportId, reportKind, report.RadiologistId!, report.Severity, context.CurrentUtcDateTime, input.Policy.Retry),
                options);
        }
        catch (TaskFailedException e)
        {
            var log = context.CreateReplaySafeLogger(nameof(CriticalResultHook));
            CriticalResultLog.StartFailed(log, reportId, input.StudyKey, input.Tenant, e.FailureDetails.ErrorType);
            try
            {
                await context.CallActivityAsync(ReadStudy.AuditActivityName, new ReadingAuditRequest(input.Tenant, input.StudyKey, "critical-result.start-failed", "system", reportId), options);
                await context.CallActivityAsync(ReadStudy.NotifyActivityName, new NotifyRequest(
                    NotificationKinds.CriticalResultUnacknowledged, input.Tenant, input.StudyKey, null, state.Priority, state.DeadlineUtc, $"critical-{reportId}-not-started",
                    $"critical result ({CriticalSeverities.Normalize(report.Severity)}) in report {reportId} of radiologist {report.RadiologistId}: its acknowledgment loop could not start; communicate it by phone and document the read-back"), options);
            }
            catch (TaskFailedException)
            {
                // Audit and messaging are down too: the critical log event above is what is left; the reading goes on.
            }
        }
    }

    /// <summary>AI triage flagged the study: a labelled, non-diagnostic heads-up if the tenant opted in (the activity decides), never a result.</summary>
    public static async Task AiFlagAsync(TaskOrchestrationContext context, ReadStudyInput input, TaskOptions options)
    {
        try
        {
            await context.CallActivityAsync<bool>(CriticalResult.AiHeadsUpActivityName, new AiHeadsUpRequest(input.Tenant, input.StudyKey, input.Upgrade!.Reason), options);
        }
        catch (TaskFailedException e)
        {
            CriticalResultLog.HeadsUpFailed(context.CreateReplaySafeLogger(nameof(CriticalResultHook)), input.StudyKey, input.Tenant, e.FailureDetails.ErrorType);
        }
    }
}
