using Microsoft.Extensions.Logging;

namespace Telerad.Workflow;

/// <summary>Workflow's log events (EventIds 2000-2099): tenant ids and pseudonymous keys only, never PHI.</summary>
internal static partial class WorkflowLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Study {StudyKey} (tenant {Tenant}) summary published: {Instances} instances in {Series} series, {Late} late, {Quarantined} quarantined")]
    public static partial void SummaryPublished(ILogger logger, string studyKey, string tenant, int instances, int series, int late, int quarantined);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Instance {SopKey} of study {StudyKey} (tenant {Tenant}) version {Version} was de-identified before; not done again")]
    public static partial void AlreadyDeidentified(ILogger logger, string sopKey, string studyKey, string tenant, int version);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Study {StudyKey} (tenant {Tenant}) assembled and triaged: {Instances} instances; its summary is the hand-off to reading")]
    public static partial void StudyCompleted(ILogger logger, string studyKey, string tenant, int instances);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Study {StudyKey} (tenant {Tenant}): de-identifying {Count} instances{LateNote}")]
    public static partial void BatchStarted(ILogger logger, string studyKey, string tenant, int count, string lateNote);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Study {StudyKey} (tenant {Tenant}): the quiet timer fired {LatenessSeconds} s late (host down or starved); the quiet period starts again so queued instances are not taken in as late")]
    public static partial void QuietPeriodRestarted(ILogger logger, string studyKey, string tenant, int latenessSeconds);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Study {StudyKey} (tenant {Tenant}): the registry has {Count} instances no signal announced (lost in a crash?); they are de-identified before the study completes")]
    public static partial void UnsignalledInstancesFound(ILogger logger, string studyKey, string tenant, int count);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Study {StudyKey} (tenant {Tenant}): {Count} instances registered but not de-identified and its orchestration is not running (a signal lost as it completed?); signalled again")]
    public static partial void StalledInstancesSignalled(ILogger logger, string studyKey, string tenant, int count);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "Study {StudyKey} (tenant {Tenant}): {Count} instances are still not de-identified after {Sweeps} sweeps (a run that keeps failing?); operations should look at the study's orchestration. The sweep goes on, less and less often")]
    public static partial void InstancesStuck(ILogger logger, string studyKey, string tenant, int count, int sweeps);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Study {StudyKey} (tenant {Tenant}) triaged: {Status}, {Flagged} findings flagged, critical {Critical}, {Instances} instances read, priority upgrade {Upgrade}")]
    public static partial void StudyTriaged(ILogger logger, string studyKey, string tenant, string status, int flagged, bool critical, int instances, bool upgrade);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Study {StudyKey} (tenant {Tenant}): triage failed after its retries ({ErrorType}); the study goes on as not analysed")]
    public static partial void TriageFailed(ILogger logger, string studyKey, string tenant, string errorType);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Error, Message = "Study {StudyKey} (tenant {Tenant}): starting its reading failed after retries ({ErrorType}); the study is assembled but not in reading")]
    public static partial void ReadingStartFailed(ILogger logger, string studyKey, string tenant, string errorType);
}
