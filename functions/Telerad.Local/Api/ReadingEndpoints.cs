using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Telerad.Azure;

namespace Telerad.Local;

/// <summary>
/// The reading API on the local runtime: the same routes and handlers (<see cref="ReadingApi"/>) as the Functions app's
/// HTTP triggers, with the development identity header instead of App Service authentication: the header names a
/// radiologist id or an operations contact id of the reading configuration. Plus the notification outbox, the local
/// stand-in for the Service Bus topics.
/// </summary>
public static class ReadingEndpoints
{
    private const long MaxReportBytes = 512 * 1024;

    public static IEndpointRouteBuilder MapReadingApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api").RequireAuthorization();
        const string study = "/reading/studies/{tenant}/{study}";
        api.MapPost(study + "/accept", (HttpContext http, string tenant, string study, string? token, ReadingApi reading, IOrchestrationGateway engine) =>
            Run(http, caller => reading.AcceptAsync(caller, tenant, study, token, engine, http.RequestAborted)));
        api.MapPost(study + "/decline", (HttpContext http, string tenant, string study, string? token, ReadingApi reading, IOrchestrationGateway engine) =>
            Run(http, caller => reading.DeclineAsync(caller, tenant, study, token, engine, http.RequestAborted)));
        api.MapPost(study + "/release", (HttpContext http, string tenant, string study, ReadingApi reading, IOrchestrationGateway engine) =>
            Run(http, caller => reading.ReleaseAsync(caller, tenant, study, engine, http.RequestAborted)));
        api.MapPost(study + "/reports", (HttpContext http, string tenant, string study, ReadingApi reading, IOrchestrationGateway engine) =>
            Run(http, async caller => await reading.SubmitReportAsync(caller, tenant, study, await ReadReportAsync(http.Request), engine, http.RequestAborted)));
        api.MapGet(study, (HttpContext http, string tenant, string study, ReadingApi reading) =>
            Run(http, caller => reading.StudyAsync(caller, tenant, study, http.RequestAborted)));
        api.MapGet("/reading/worklist", (HttpContext http, string? radiologist, ReadingApi reading) =>
            Run(http, caller => reading.WorklistAsync(caller, radiologist, http.RequestAborted)));
        api.MapPost("/operations/studies/{tenant}/{study}/assign", (HttpContext http, string tenant, string study, string? radiologist, ReadingApi reading, IOrchestrationGateway engine) =>
            Run(http, caller => reading.ReassignAsync(caller, tenant, study, radiologist, engine, http.RequestAborted)));
        api.MapPost("/operations/studies/{tenant}/{study}/cancel", (HttpContext http, string tenant, string study, ReadingApi reading, IOrchestrationGateway engine) =>
            Run(http, caller => reading.CancelAsync(caller, tenant, study, engine, http.RequestAborted)));

        api.MapPost("/operations/deliveries/{tenant}/{study}/{reportId}/{kind}/retry", (HttpContext http, string tenant, string study, string reportId, string kind, ResultsApi results, IOrchestrationGateway engine) =>
            Run(http, caller => results.RetryDeliveryAsync(caller, tenant, study, reportId, kind, engine, http.RequestAborted)));

        api.MapPost("/critical-results/{study}/{reportId}/acknowledge", (HttpContext http, string study, string reportId, string? recipient, string? token, string? method, CriticalResultsApi critical, IOrchestrationGateway engine) =>
            Run(http, caller => critical.AcknowledgeAsync(caller, study, reportId, recipient, token, method, engine, http.RequestAborted)));
        api.MapGet("/operations/critical-results/{tenant}/metrics", (HttpContext http, string tenant, DateTimeOffset? from, DateTimeOffset? to, CriticalResultsApi critical) =>
            Run(http, caller => critical.MetricsAsync(caller, tenant, from, to, http.RequestAborted)));

        // The outbox: what would have gone to the Service Bus topics (newest first), for the demo and for developers.
        api.MapGet("/notifications", async (string? topic, QueueNotificationPublisher outbox, CancellationToken cancellationToken) =>
            Results.Ok(await outbox.ListAsync(topic, 200, cancellationToken)));
        return app;
    }

    private static async Task<IResult> Run(HttpContext http, Func<ReadingCaller, Task<ReadingApiResult>> handle)
    {
        var user = http.User.FindFirstValue(ClaimTypes.Name);
        if (user is null)
        {
            return Results.Unauthorized();
        }

        var result = await handle(new ReadingCaller { UserId = user, Development = true });
        return Results.Json(result.Body, statusCode: result.StatusCode);
    }

    private static async Task<ReportSubmission?> ReadReportAsync(HttpRequest request)
    {
        if (request.ContentLength is > MaxReportBytes)
        {
            return null;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<ReportSubmission>(request.Body, JsonSerializerOptions.Web, request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
