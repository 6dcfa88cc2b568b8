namespace Telerad.Workflow;

/// <summary>A reading API answer, host-neutral: each host turns it into its own HTTP response. Bodies hold ids and codes, never PHI.</summary>
public sealed record ReadingApiResult(int StatusCode, object Body)
{
    public static ReadingApiResult Ok(object body) => new(200, body);

    public static ReadingApiResult Accepted(object body) => new(202, body);

    public static ReadingApiResult Error(int status, string code, string message) => new(status, new ReadingApiError(code, message));

    /// <summary>503: no reading configuration has loaded.</summary>
    public static ReadingApiResult ConfigurationUnavailable() =>
        Error(503, ReadingApiErrors.Configuration, "the reading configuration does not load; operations must fix it");
}

/// <summary>An error body: a stable code for programs, a sentence for people.</summary>
public sealed record ReadingApiError(string Error, string Message);

/// <summary>The error codes of the reading API.</summary>
public static class ReadingApiErrors
{
    public const string NotARadiologist = "not-a-radiologist";
    public const string NotOperations = "not-operations";
    public const string NotYourStudy = "not-your-study";
    public const string UnknownStudy = "unknown-study";
    public const string WrongState = "wrong-state";
    public const string InvalidReport = "invalid-report";
    public const string ReportExists = "report-exists";
    public const string InvalidRequest = "invalid-request";
    public const string Configuration = "reading-configuration-invalid";

    /// <summary>Link token problems use the token's own codes: malformed, bad-signature, unknown-key, expired, wrong-radiologist, wrong-study, wrong-action.</summary>
    public const string LinkPrefix = "link-";
}
