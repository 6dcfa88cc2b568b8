namespace Telerad.Workflow;

/// <summary>Registers Telerad's orchestrations and activities (the same on Azure Functions, Telerad.Local and in tests).</summary>
public static class WorkflowRegistration
{
    public static DurableTaskRegistry AddTeleradWorkflows(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddOrchestrator<StudyAssemblyOrchestrator>();
        registry.AddActivity<DeidentifyInstanceActivity>();
        registry.AddActivity<DeidentifyInstancesActivity>();
        registry.AddActivity<PublishStudySummaryActivity>();
        registry.AddActivity<FindUnprocessedInstancesActivity>();
        registry.AddOrchestrator<StalledInstanceSweepOrchestrator>();
        registry.AddActivity<SweepStalledInstancesActivity>();
        registry.AddActivity<TriageStudyActivity>();
        registry.AddOrchestrator<ReadStudyOrchestrator>();
        registry.AddActivity<AssignReaderActivity>();
        registry.AddActivity<NotifyActivity>();
        registry.AddActivity<AuditReadingActivity>();
        registry.AddActivity<HandOffReportActivity>();
        registry.AddActivity<ProjectReadingActivity>();
        registry.AddActivity<StartReadingActivity>();
        registry.AddOrchestrator<DeliverReportOrchestrator>();
        registry.AddActivity<DeliverReportActivity>();
        registry.AddActivity<RecordDeliveryActivity>();
        registry.AddOrchestrator<CriticalResultOrchestrator>();
        registry.AddActivity<StartCriticalResultActivity>();
        registry.AddActivity<AiCriticalHeadsUpActivity>();
        registry.AddActivity<AlertCriticalResultActivity>();
        registry.AddActivity<EmergencyCriticalResultActivity>();
        registry.AddActivity<CompleteCriticalResultActivity>();
        registry.AddActivity<DeliverCriticalResultCommunicationActivity>();
        return registry;
    }
}
