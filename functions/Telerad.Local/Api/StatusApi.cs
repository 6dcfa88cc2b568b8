using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Telerad.Local;

/// <summary>
/// The local HTTP API (thin: every endpoint is one query). /health is open; everything else needs the dev identity
/// header (<see cref="DevIdentityHandler"/>). Tenants must be configured; ids are checked before they reach storage.
/// </summary>
public static class StatusApi
{
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/health", (LocalOptions options, LocalStorage storage, DurableEngine engine, IncomingPoller poller) =>
            Results.Ok(new HealthStatus("ok", options.TaskHub, storage.Owned ? "azurite (started by Telerad.Local)" : "external", engine.IsStarted, poller.LastPass, poller.Handled)))
            .AllowAnonymous();

        var api = app.MapGroup(string.Empty).RequireAuthorization();
        api.MapGet("/uploads/{tenant}/{uploadId}", async (string tenant, string uploadId, ITenantDirectory tenants, StatusQueries queries, CancellationToken cancellationToken) =>
        {
            if (UnknownTenant(tenant, tenants) is { } notFound)
            {
                return notFound;
            }

            if (!IncomingObjectName.IsSafeSegment(uploadId))
            {
                return Results.BadRequest(new { error = "An upload id is letters, digits, '-', '_' and '.'." });
            }

            var status = await queries.UploadAsync(tenant, uploadId, cancellationToken);
            return status.Objects == 0 ? Results.NotFound(new { error = "No objects under this upload id." }) : Results.Ok(status);
        });
        api.MapGet("/studies/{tenant}", async (string tenant, ITenantDirectory tenants, DurableEngine engine, StatusQueries queries, CancellationToken cancellationToken) =>
            UnknownTenant(tenant, tenants) ?? NotReady(engine) ?? Results.Ok(await queries.StudiesAsync(tenant, cancellationToken)));
        api.MapGet("/studies/{tenant}/{studyKey}", async (string tenant, string studyKey, ITenantDirectory tenants, DurableEngine engine, StatusQueries queries, CancellationToken cancellationToken) =>
        {
            if ((UnknownTenant(tenant, tenants) ?? NotReady(engine)) is { } refused)
            {
                return refused;
            }

            if (!IsStudyKey(studyKey))
            {
                return Results.BadRequest(new { error = "A study key is a de-identified UID (digits and dots)." });
            }

            return await queries.StudyAsync(tenant, studyKey, cancellationToken) is { } status ? Results.Ok(status) : Results.NotFound(new { error = "No such study." });
        });
        return app;
    }

    private static IResult? UnknownTenant(string tenant, ITenantDirectory tenants) =>
        IncomingObjectName.IsSafeSegment(tenant) && tenants.Find(tenant) is not null ? null : Results.NotFound(new { error = "Unknown tenant." });

    private static IResult? NotReady(DurableEngine engine) =>
        engine.IsStarted ? null : Results.Problem("The durable engine is starting.", statusCode: StatusCodes.Status503ServiceUnavailable);

    private static bool IsStudyKey(string key) => key.Length is > 0 and <= 64 && key.All(c => char.IsAsciiDigit(c) || c == '.');
}
