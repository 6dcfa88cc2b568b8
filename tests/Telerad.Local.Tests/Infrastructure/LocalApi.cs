using System.Net;
using System.Text.Json;

namespace Telerad.Local.Tests;

/// <summary>Telerad.Local's HTTP API as a client sees it (with the dev identity header unless told otherwise).</summary>
internal sealed class LocalApi : IDisposable
{
    private readonly HttpClient _http;

    public LocalApi(Uri address, string? user = "test-user")
    {
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        if (user is not null)
        {
            _http.DefaultRequestHeaders.Add(DevIdentityHandler.HeaderName, user);
        }
    }

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, object? json = null)
    {
        using var content = json is null ? null : JsonContent(json);
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static StringContent JsonContent(object json) => new(JsonSerializer.Serialize(json), System.Text.Encoding.UTF8, "application/json");

    /// <summary>
    /// Waits until the tenant has <paramref name="studies"/> StudyAssembly orchestrations, all Completed with a summary;
    /// fails with the last answer when the time is up.
    /// </summary>
    public async Task<JsonElement> WaitForCompletedStudiesAsync(string tenant, int studies, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = string.Empty;
        while (DateTime.UtcNow < deadline)
        {
            var (status, body) = await GetAsync($"studies/{tenant}");
            last = $"{(int)status} {body}";
            if (status == HttpStatusCode.OK)
            {
                using var document = JsonDocument.Parse(body);
                var list = document.RootElement;
                if (list.GetArrayLength() == studies
                    && list.EnumerateArray().All(s => s.GetProperty("status").GetString() == "Completed" && s.GetProperty("summaryWrittenAt").ValueKind == JsonValueKind.String))
                {
                    return list.Clone();
                }
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Not every study completed within {timeout.TotalSeconds} s; last answer: {last}");
    }

    public void Dispose() => _http.Dispose();
}
