using System.Text.Json;
using Telerad.Dicom.Tests;

namespace Telerad.Functions.Tests;

/// <summary>The Functions host cannot run here; what it would load — functions.metadata — is checked instead.</summary>
public class FunctionsMetadataTests
{
    private static JsonElement Metadata()
    {
        // The test runs from tests/Telerad.Functions.Tests/bin/{Configuration}/net10.0: look at the app's own build of the same configuration.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(TestData.RepositoryRoot, "functions", "Telerad.Functions", "bin", configuration, "net10.0", "functions.metadata");
        Assert.True(File.Exists(path), $"functions.metadata not found at {path}");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
    }

    private static JsonElement Function(string name) => Metadata().EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);

    [Fact]
    public void IngestInstance_is_an_event_grid_blob_trigger_on_incoming()
    {
        var trigger = Function("IngestInstance").GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "blobTrigger");
        Assert.Equal("incoming/{name}", trigger.GetProperty("path").GetString());
        Assert.Equal("EventGrid", trigger.GetProperty("source").GetString());
        Assert.Equal(FunctionSettings.StorageConnection, trigger.GetProperty("connection").GetString());
        Assert.Contains(Function("IngestInstance").GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == "durableClient");
    }

    [Theory]
    [InlineData("StudyAssemblyV1", "orchestrationTrigger")]
    [InlineData("DeidentifyInstanceV1", "activityTrigger")]
    [InlineData("DeidentifyInstancesV1", "activityTrigger")]
    [InlineData("StalledInstanceSweepV1", "orchestrationTrigger")]
    [InlineData("SweepStalledInstancesV1", "activityTrigger")]
    [InlineData("PublishStudySummaryV1", "activityTrigger")]
    [InlineData("TriageStudyV1", "activityTrigger")]
    [InlineData("ReadStudyV1", "orchestrationTrigger")]
    [InlineData("StartReadingV1", "activityTrigger")]
    [InlineData("AssignReaderV1", "activityTrigger")]
    [InlineData("NotifyV1", "activityTrigger")]
    [InlineData("AuditReadingV1", "activityTrigger")]
    [InlineData("ProjectReadingV1", "activityTrigger")]
    [InlineData("HandOffReportV1", "activityTrigger")]
    [InlineData("FindUnprocessedInstancesV1", "activityTrigger")]
    [InlineData("DeliverReportV1", "orchestrationTrigger")]
    [InlineData("DeliverReportActivityV1", "activityTrigger")]
    [InlineData("RecordDeliveryV1", "activityTrigger")]
    [InlineData("CriticalResultV1", "orchestrationTrigger")]
    [InlineData("StartCriticalResultV1", "activityTrigger")]
    [InlineData("AiCriticalHeadsUpV1", "activityTrigger")]
    [InlineData("AlertCriticalResultV1", "activityTrigger")]
    [InlineData("EmergencyCriticalResultV1", "activityTrigger")]
    [InlineData("DeliverCriticalResultCommunicationV1", "activityTrigger")]
    [InlineData("CompleteCriticalResultV1", "activityTrigger")]
    public void Orchestrations_and_activities_carry_their_versioned_names(string name, string trigger)
    {
        Assert.Contains(Function(name).GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == trigger);
    }

    [Theory]
    [InlineData("ReadingAccept", "post", "reading/studies/{tenant}/{study}/accept")]
    [InlineData("ReadingDecline", "post", "reading/studies/{tenant}/{study}/decline")]
    [InlineData("ReadingRelease", "post", "reading/studies/{tenant}/{study}/release")]
    [InlineData("ReadingSubmitReport", "post", "reading/studies/{tenant}/{study}/reports")]
    [InlineData("ReadingStudy", "get", "reading/studies/{tenant}/{study}")]
    [InlineData("ReadingWorklist", "get", "reading/worklist")]
    [InlineData("OperationsReassign", "post", "operations/studies/{tenant}/{study}/assign")]
    [InlineData("OperationsCancel", "post", "operations/studies/{tenant}/{study}/cancel")]
    [InlineData("OperationsRetryDelivery", "post", "operations/deliveries/{tenant}/{study}/{reportId}/{kind}/retry")]
    [InlineData("CriticalResultAcknowledge", "post", "critical-results/{study}/{reportId}/acknowledge")]
    [InlineData("CriticalResultMetrics", "get", "operations/critical-results/{tenant}/metrics")]
    public void The_reading_api_is_http_triggers_on_their_routes(string name, string method, string route)
    {
        var trigger = Function(name).GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "httpTrigger");
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));

        // Anonymous at the Functions level: App Service authentication in front demands the Entra sign-in (infra/).
        Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
    }

    [Fact]
    public void The_app_publishes_the_root_host_json()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var built = Path.Combine(TestData.RepositoryRoot, "functions", "Telerad.Functions", "bin", configuration, "net10.0", "host.json");
        Assert.Equal(File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "host.json")), File.ReadAllText(built));
        using var host = JsonDocument.Parse(File.ReadAllText(built));
        Assert.Equal("2.0", host.RootElement.GetProperty("version").GetString());
        Assert.Equal(
            new[]
            {
                "AiCriticalHeadsUpV1",
                "AlertCriticalResultV1",
                "AssignReaderV1",
                "AuditReadingV1",
                "CompleteCriticalResultV1",
                "CriticalResultAcknowledge",
                "CriticalResultMetrics",
                "CriticalResultV1",
                "DeidentifyInstanceV1",
                "DeidentifyInstancesV1",
                "DeliverCriticalResultCommunicationV1",
                "DeliverReportActivityV1",
                "DeliverReportV1",
                "EmergencyCriticalResultV1",
                "FindUnprocessedInstancesV1",
                "HandOffReportV1",
                "IngestInstance",
                "NotifyV1",
                "OperationsCancel",
                "OperationsReassign",
                "OperationsRetryDelivery",
                "ProjectReadingV1",
                "PublishStudySummaryV1",
                "ReadStudyV1",
                "ReadingAccept",
                "ReadingDecline",
                "ReadingRelease",
                "ReadingStudy",
                "ReadingSubmitReport",
                "ReadingWorklist",
                "RecordDeliveryV1",
                "StartCriticalResultV1",
                "StalledInstanceSweepV1",
                "StartReadingV1",
                "StudyAssemblyV1",
                "SweepStalledInstancesV1",
                "TriageStudyV1",
            }.Order(StringComparer.Ordinal),
            Metadata().EnumerateArray().Select(f => f.GetProperty("name").GetString()).Order(StringComparer.Ordinal)); // exactly the functions above
    }
}
