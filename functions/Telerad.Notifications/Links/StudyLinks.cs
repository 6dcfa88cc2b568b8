namespace Telerad.Notifications;

/// <summary>
/// Builds the links a radiologist receives: the viewer (an OHIF-style URL template with the de-identified Study
/// Instance UID) and the API's accept and decline endpoints, each with its own token.
/// </summary>
public sealed class StudyLinks(LinkTokens tokens, StudyLinkOptions options, TimeProvider clock)
{
    public IReadOnlyDictionary<string, string> For(string tenant, string studyKey, string radiologistId)
    {
        var expires = clock.GetUtcNow() + options.Lifetime;
        string Token(string action) => Uri.EscapeDataString(tokens.Issue(new LinkClaims(tenant, studyKey, radiologistId, action, expires)));
        var viewer = options.ViewerUrlTemplate
            .Replace("{studyUid}", Uri.EscapeDataString(studyKey), StringComparison.Ordinal)
            .Replace("{token}", Token(LinkActions.View), StringComparison.Ordinal);
        var api = options.ApiBaseUrl.TrimEnd('/');
        var study = $"{Uri.EscapeDataString(tenant)}/{Uri.EscapeDataString(studyKey)}";
        return new Dictionary<string, string>
        {
            ["viewer"] = viewer,
            [LinkActions.Accept] = $"{api}/reading/studies/{study}/accept?token={Token(LinkActions.Accept)}",
            [LinkActions.Decline] = $"{api}/reading/studies/{study}/decline?token={Token(LinkActions.Decline)}",
        };
    }
}

/// <summary>Where links point and how long they live (section "Links").</summary>
public sealed record StudyLinkOptions
{
    /// <summary>The viewer URL, with {studyUid} (the de-identified Study Instance UID) and {token}.</summary>
    public string ViewerUrlTemplate { get; init; } = "https://viewer.example.org/viewer?StudyInstanceUIDs={studyUid}&token={token}";

    public string ApiBaseUrl { get; init; } = "https://telerad.example.org/api";

    /// <summary>Short-lived on purpose: a forwarded e-mail should not open a study next week.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(12);

    public void Validate()
    {
        if (!ViewerUrlTemplate.Contains("{studyUid}", StringComparison.Ordinal) || !ViewerUrlTemplate.Contains("{token}", StringComparison.Ordinal)
            || !Uri.TryCreate(ViewerUrlTemplate.Replace("{studyUid}", "x", StringComparison.Ordinal).Replace("{token}", "x", StringComparison.Ordinal), UriKind.Absolute, out var viewer) || viewer.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("Links: the viewer URL template must be an https URL with {studyUid} and {token}.");
        }

        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttps && !api.IsLoopback))
        {
            throw new ArgumentException("Links: the API base URL must be https (or a loopback http URL for local mode).");
        }

        if (Lifetime <= TimeSpan.Zero || Lifetime > TimeSpan.FromDays(7))
        {
            throw new ArgumentException("Links: the lifetime must be positive and at most 7 days.");
        }
    }
}
