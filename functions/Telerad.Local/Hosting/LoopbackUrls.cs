namespace Telerad.Local;

/// <summary>
/// The API's addresses (ASP.NET Core's `--urls` syntax, ';'-separated). Only loopback hosts are accepted: the dev
/// identity header is not authentication, so the API must not be reachable from another machine.
/// </summary>
public static class LoopbackUrls
{
    public static IReadOnlyList<Uri> Parse(string urls)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(urls);
        var parsed = new List<Uri>();
        foreach (var text in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                throw new ArgumentException($"--urls: '{text}' is not an http:// address.");
            }

            if (!(uri.Host is "127.0.0.1" or "localhost" or "[::1]"))
            {
                throw new ArgumentException($"--urls: '{text}' is not a loopback address (127.0.0.1, localhost or [::1]); the local API has no real authentication.");
            }

            parsed.Add(uri);
        }

        return parsed.Count > 0 ? parsed : throw new ArgumentException("--urls names no address.");
    }
}
