using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Telerad.Functions;

/// <summary>
/// The reading API as HTTP triggers: each parses the request, identifies the caller (App Service authentication) and
/// calls the shared handler (<see cref="ReadingApi"/>), which Telerad.Local's minimal API calls too. Anonymous at the
/// Functions level on purpose: App Service authentication in front requires an Entra sign-in for every request.
/// </summary>
public sealed class ReadingApiFunctions(ReadingApi api, ResultsApi results)
{
    private const string Study = "reading/studies/{tenant}/{study}";
    private const string Operations = "operations/studies/{tenant}/{study}";
    private const long MaxReportBytes = 512 * 1024;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Function("ReadingAccept")]
    public Task<IActionResult> Accept([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Study + "/accept")] HttpRequest request, string tenant, string study, [DurableClient] DurableTaskClient client) =>
        Run(request, caller => api.AcceptAsync(caller, tenant, study, request.Query["token"].FirstOrDefault(), new DurableTaskClientGateway(client), request.HttpContext.RequestAborted));

    [Function("ReadingDecline")]
    public Task<IActionResult> Decline([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Study + "/decline")] HttpRequest request, string tenant, string study, [DurableClient] DurableTaskClient client) =>
        Run(request, caller => api.DeclineAsync(caller, tenant, study, request.Query["token"].FirstOrDefault(), new DurableTaskClientGateway(client), request.HttpContext.RequestAborted));

    [Function("ReadingRelease")]
    public Task<IActionResult> Release([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Study + "/release")] HttpRequest request, string tenant, string study, [DurableClient] DurableTaskClient client) =>
        Run(request, caller => api.ReleaseAsync(caller, tenant, study, new DurableTaskClientGateway(client), request.HttpContext.RequestAborted));

    [Function("ReadingSubmitReport")]
    public Task<IActionResult> SubmitReport([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Study + "/reports")] HttpRequest request, string tenant, string study, [DurableClient] DurableTaskClient client) =>
        Run(request, async caller => await api.SubmitReportAsync(caller, tenant, study, await ReadReportAsync(request), new DurableTaskClientGateway(client), request.HttpContext.RequestAborted));

    [Function("ReadingStudy")]
    public Task<IActionResult> StudyStatus([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Study)] HttpRequest request, string tenant, string study) =>
        Run(request, caller => api.StudyAsync(caller, tenant, study, request.HttpContext.RequestAborted));

    [Function("ReadingWorklist")]
    public Task<IActionResult> Worklist([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reading/worklist")] HttpRequest request) =>
        Run(request, caller => api.WorklistAsync(caller, request.Query["radiologist"].FirstOrDefault(), request.HttpContext.RequestAborted));

    [Function("OperationsReassign")]
    public Task<IActionResult> Reassign([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Operations + "/assign")] HttpRequest request, string tenant, string study, [DurableClient] DurableTaskClient client) =>
        Run(request, caller => api.ReassignAsync(caller, tenant, study, request.Query["radiologist"].FirstOrDefault(), new DurableTaskClientGateway(client), request.HttpContext.RequestAborted));

    [Function("OperationsCancel")]
    public Task<IActionResult> Cancel([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Operations + "/cancel")] HttpRequest request, string tenant, string study, [DurableClient] DurableTaskClient client) =>
        Run(request, caller => api.CancelAsync(caller, tenant, study, new DurableTaskClientGateway(client), request.HttpContext.RequestAborted));

    [Function("OperationsRetryDelivery")]
    public Task<IActionResult> RetryDelivery(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operations/deliveries/{tenant}/{study}/{reportId}/{kind}/retry")] HttpRequest request,
        string tenant, string study, string reportId, string kind, [DurableClient] DurableTaskClient client) =>
        Run(request, caller => results.RetryDeliveryAsync(caller, tenant, study, reportId, kind, new DurableTaskClientGateway(client), request.HttpContext.RequestAborted));

    internal static async Task<IActionResult> Run(HttpRequest request, Func<ReadingCaller, Task<ReadingApiResult>> handle)
    {
        if (AppServiceCaller.From(request) is not { } caller)
        {
            return new ObjectResult(new ReadingApiError("unauthenticated", "sign in with Entra ID (App Service authentication)")) { StatusCode = 401 };
        }

        var result = await handle(caller);
        return new ObjectResult(result.Body) { StatusCode = result.StatusCode };
    }

    /// <summary>The report body; null (a 400 from the handler) when it is not a JSON report.</summary>
    private static async Task<ReportSubmission?> ReadReportAsync(HttpRequest request)
    {
        if (request.ContentLength is > MaxReportBytes)
        {
            return null;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<ReportSubmission>(request.Body, Json, request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
