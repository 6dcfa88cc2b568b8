using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Telerad.Notifications.Tests;

public sealed class LinkTokenTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly LinkSigningKeys _keys = LinkSigningKeys.Generate();

    private LinkTokens Tokens(LinkSigningKeys? keys = null) => new(keys ?? _keys, _clock);

    private static LinkClaims Claims(string action = LinkActions.Accept, string radiologist = "rad-1", string study = "2.25.42") =>
        new("hospital-a", study, radiologist, action, Now.AddHours(1));

    private static LinkTokenException Refused(Action verify) => Assert.Throws<LinkTokenException>(verify);

    [Fact]
    public void A_token_grants_its_action_on_its_study_to_its_radiologist()
    {
        var token = Tokens().Issue(Claims());

        var claims = Tokens().Verify(token, "rad-1", "2.25.42", LinkActions.Accept);

        Assert.Equal(Claims(), claims);
        Assert.DoesNotContain("hospital-a", token, StringComparison.Ordinal); // encoded, and ids only in any case
    }

    [Fact]
    public void Someone_elses_token_another_study_or_another_action_is_refused()
    {
        var token = Tokens().Issue(Claims());

        Assert.Equal(LinkTokenException.WrongRadiologist, Refused(() => Tokens().Verify(token, "rad-2", "2.25.42", LinkActions.Accept)).Code);
        Assert.Equal(LinkTokenException.WrongStudy, Refused(() => Tokens().Verify(token, "rad-1", "2.25.43", LinkActions.Accept)).Code);
        Assert.Equal(LinkTokenException.WrongAction, Refused(() => Tokens().Verify(token, "rad-1", "2.25.42", LinkActions.Decline)).Code);
    }

    [Fact]
    public void An_expired_token_is_refused_after_a_minute_of_clock_skew()
    {
        var token = Tokens().Issue(Claims());

        _clock.Advance(TimeSpan.FromMinutes(60.5));
        Assert.Equal(Claims(), Tokens().Verify(token, "rad-1", "2.25.42", LinkActions.Accept)); // within the skew
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(LinkTokenException.Expired, Refused(() => Tokens().Verify(token, "rad-1", "2.25.42", LinkActions.Accept)).Code);
    }

    [Fact]
    public void A_forged_token_is_refused()
    {
        var token = Tokens().Issue(Claims());
        var parts = token.Split('.');

        // Another radiologist's id in the payload, signature kept: the signature no longer matches.
        var payload = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).Replace("rad-1", "rad-9", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
        Assert.Equal(LinkTokenException.BadSignature, Refused(() => Tokens().Verify(tampered, "rad-9", "2.25.42", LinkActions.Accept)).Code);

        // Signed with a key of the same id that is not ours.
        var stranger = new LinkTokens(new LinkSigningKeys("k1", new Dictionary<string, byte[]> { ["k1"] = RandomNumberGenerator.GetBytes(32) }), _clock).Issue(Claims());
        Assert.Equal(LinkTokenException.BadSignature, Refused(() => Tokens().Verify(stranger, "rad-1", "2.25.42", LinkActions.Accept)).Code);

        // Not a token at all.
        foreach (var junk in new[] { string.Empty, "abc", "k1.!!!.???", parts[0] + "." + parts[1], token + ".x" })
        {
            Assert.Equal(LinkTokenException.Malformed, Refused(() => Tokens().Verify(junk, "rad-1", "2.25.42", LinkActions.Accept)).Code);
        }
    }

    [Fact]
    public void After_a_rotation_old_links_work_until_the_old_key_is_dropped()
    {
        var k1 = RandomNumberGenerator.GetBytes(32);
        var old = new LinkTokens(new LinkSigningKeys("k1", new Dictionary<string, byte[]> { ["k1"] = k1 }), _clock).Issue(Claims());
        var rotated = new LinkSigningKeys("k2", new Dictionary<string, byte[]> { ["k1"] = k1, ["k2"] = RandomNumberGenerator.GetBytes(32) });

        Assert.Equal(Claims(), Tokens(rotated).Verify(old, "rad-1", "2.25.42", LinkActions.Accept));
        Assert.StartsWith("k2.", Tokens(rotated).Issue(Claims()), StringComparison.Ordinal);

        var dropped = new LinkSigningKeys("k2", new Dictionary<string, byte[]> { ["k2"] = RandomNumberGenerator.GetBytes(32) });
        Assert.Equal(LinkTokenException.UnknownKey, Refused(() => Tokens(dropped).Verify(old, "rad-1", "2.25.42", LinkActions.Accept)).Code);
    }

    [Fact]
    public void Weak_or_missing_keys_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new LinkSigningKeys("k1", new Dictionary<string, byte[]> { ["k1"] = new byte[16] }));
        Assert.Throws<ArgumentException>(() => new LinkSigningKeys("k1", new Dictionary<string, byte[]> { ["k2"] = new byte[32] }));
        Assert.Throws<ArgumentException>(() => new LinkSigningKeys("k.1", new Dictionary<string, byte[]> { ["k.1"] = new byte[32] }));
    }
}
