using Microsoft.Extensions.Time.Testing;

namespace Telerad.Notifications.Tests;

public sealed class StudyLinksTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
    private readonly LinkSigningKeys _keys = LinkSigningKeys.Generate();

    [Fact]
    public void Each_link_carries_a_token_for_its_own_action_and_the_viewer_gets_the_deidentified_uid()
    {
        var tokens = new LinkTokens(_keys, _clock);
        var options = new StudyLinkOptions { ViewerUrlTemplate = "https://ohif.example.org/viewer?StudyInstanceUIDs={studyUid}&t={token}", ApiBaseUrl = "https://api.example.org/v1/" };
        var links = new StudyLinks(tokens, options, _clock).For("hospital-a", "2.25.99", "rad-7");

        Assert.StartsWith("https://ohif.example.org/viewer?StudyInstanceUIDs=2.25.99&t=", links["viewer"], StringComparison.Ordinal);
        Assert.StartsWith("https://api.example.org/v1/reading/studies/hospital-a/2.25.99/accept?token=", links[LinkActions.Accept], StringComparison.Ordinal);

        string TokenOf(string url) => Uri.UnescapeDataString(url[(url.LastIndexOf('=') + 1)..]);
        Assert.Equal(LinkActions.View, tokens.Verify(TokenOf(links["viewer"]), "rad-7", "2.25.99", LinkActions.View).Action);
        Assert.Equal(LinkActions.Accept, tokens.Verify(TokenOf(links[LinkActions.Accept]), "rad-7", "2.25.99", LinkActions.Accept).Action);
        // The decline link cannot be used to accept.
        Assert.Equal(LinkTokenException.WrongAction, Assert.Throws<LinkTokenException>(() => tokens.Verify(TokenOf(links[LinkActions.Decline]), "rad-7", "2.25.99", LinkActions.Accept)).Code);
        Assert.Equal(_clock.GetUtcNow() + options.Lifetime, tokens.VerifySignatureAndExpiry(TokenOf(links["viewer"])).ExpiresUtc);
    }

    [Theory]
    [InlineData("http://viewer.example.org/{studyUid}?t={token}", "https://api.example.org")]
    [InlineData("https://viewer.example.org/{studyUid}", "https://api.example.org")]
    [InlineData("https://viewer.example.org/{studyUid}?t={token}", "http://api.example.org")]
    public void Insecure_or_incomplete_link_settings_are_refused(string viewer, string api)
    {
        Assert.Throws<ArgumentException>(() => new StudyLinkOptions { ViewerUrlTemplate = viewer, ApiBaseUrl = api }.Validate());
    }

    [Fact]
    public void A_loopback_api_is_allowed_for_local_mode()
    {
        Assert.Null(Record.Exception(() => new StudyLinkOptions { ApiBaseUrl = "http://127.0.0.1:7071/api" }.Validate()));
    }
}
