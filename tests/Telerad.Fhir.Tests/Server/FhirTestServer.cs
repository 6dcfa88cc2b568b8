using System.ComponentModel;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Telerad.Fhir.Tests.Server;

/// <summary>
/// The real test FHIR server of tools/fhir-server (Node, @medplum/fhir-router in memory, with the test authorization
/// server and fault injection), started once per test collection on a free loopback port and stopped at the end.
/// The server binds port 0 and reports the port it got, so two test runs never race for a port. It exits by itself
/// when this process goes away (its stdin closes), so a crashed test run leaves no server behind.
/// No Node or no node_modules means failing tests with a message saying what to run, not skipped ones.
/// </summary>
public abstract partial class FhirTestServer : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly bool _requireAuth;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<int> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    protected FhirTestServer(bool requireAuth) => _requireAuth = requireAuth;

    public int Port { get; private set; }

    /// <summary>The FHIR base URL (transactions are POSTed here).</summary>
    public Uri FhirBase => new($"http://127.0.0.1:{Port}/fhir");

    public Uri TokenUrl => new($"http://127.0.0.1:{Port}/auth/token");

    /// <summary>A client for reading back and for the test controls (no auth; controls are never behind auth).</summary>
    public HttpClient Http { get; } = new();

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TeleradFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No TeleradFunctions.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>The server script, after checking that its npm packages are installed.</summary>
    public static string ServerScript(string repositoryRoot)
    {
        var script = Path.Combine(repositoryRoot, "tools", "fhir-server", "server.mjs");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"The test FHIR server is missing: {script}.");
        }

        var router = Path.Combine(repositoryRoot, "node_modules", "@medplum", "fhir-router", "package.json");
        if (!File.Exists(router))
        {
            throw new InvalidOperationException(
                $"The test FHIR server's npm packages are not installed ({router} is missing): run `npm ci` at the repository root ({repositoryRoot}), or tools/test.sh, which does.");
        }

        return script;
    }

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot();
        var script = ServerScript(root);
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        foreach (var argument in new[] { script, "--port", "0", "--exit-with-stdin" })
        {
            info.ArgumentList.Add(argument);
        }

        if (_requireAuth)
        {
            info.ArgumentList.Add("--auth");
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => Capture(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException("Node is not installed (no `node` on PATH): tools/test.sh installs it.", e);
        }

        _process = process;
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(_ready.Task, exited, Task.Delay(StartTimeout));
        if (first != _ready.Task)
        {
            var reason = first == exited ? $"exited with code {process.ExitCode}" : $"did not report ready within {StartTimeout.TotalSeconds} s";
            Stop();
            throw new InvalidOperationException($"The test FHIR server ({script}) {reason}. Its output:\n{CapturedOutput()}");
        }

        Port = await _ready.Task;
    }

    public Task DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        Stop();
        Http.Dispose();
        return Task.CompletedTask;
    }

    // ---- test controls (tools/fhir-server/server.mjs, /$test/...) ----

    /// <summary>Queues faults for the next requests (see <see cref="Fault"/>).</summary>
    public async Task InjectAsync(params Fault[] faults)
    {
        var array = new JsonArray(faults.Select(f => (JsonNode)f.ToJson()).ToArray());
        using var response = await Http.PostAsync(Control("faults"), JsonBody(new JsonObject { ["faults"] = array }));
        response.EnsureSuccessStatusCode();
    }

    public async Task ClearFaultsAsync()
    {
        using var response = await Http.DeleteAsync(Control("faults"));
        response.EnsureSuccessStatusCode();
    }

    public async Task<ServerStats> StatsAsync()
    {
        var json = await Http.GetFromJsonAsync<JsonObject>(Control("stats")) ?? throw new InvalidOperationException("no stats");
        return new ServerStats(json);
    }

    /// <summary>The last requests the FHIR API received (method, path, content type, accept, prefer, auth scheme).</summary>
    public async Task<JsonArray> RecentRequestsAsync() =>
        await Http.GetFromJsonAsync<JsonArray>(Control("requests")) ?? throw new InvalidOperationException("no requests");

    public async Task RegisterClientAsync(JsonObject client)
    {
        using var response = await Http.PostAsync(Control("clients"), JsonBody(client));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Makes the FHIR API accept a token issued elsewhere (the stand-in for an Entra ID token).</summary>
    public async Task AcceptTokenAsync(string token, int expiresInSeconds)
    {
        using var response = await Http.PostAsync(Control("tokens"), JsonBody(new JsonObject { ["token"] = token, ["expiresInSeconds"] = expiresInSeconds }));
        response.EnsureSuccessStatusCode();
    }

    public async Task RevokeAllTokensAsync()
    {
        using var response = await Http.PostAsync(Control("tokens/revoke"), JsonBody(new JsonObject()));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Moves the authorization server's clock (token expiry, assertion exp checks) forward.</summary>
    public async Task AdvanceClockAsync(TimeSpan by)
    {
        using var response = await Http.PostAsync(Control("clock"), JsonBody(new JsonObject { ["advanceSeconds"] = by.TotalSeconds }));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Empties the repository, faults, statistics, tokens and the clock offset (clients stay registered).</summary>
    public async Task ResetAsync()
    {
        using var response = await Http.PostAsync(Control("reset"), JsonBody(new JsonObject()));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A FHIR search (no auth: use on the open server), e.g. ("DiagnosticReport", "identifier=sys|val").</summary>
    public async Task<JsonObject> SearchAsync(string resourceType, string query, string? bearerToken = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{FhirBase}/{resourceType}?{query}"));
        if (bearerToken is not null)
        {
            request.Headers.Authorization = new("Bearer", bearerToken);
        }

        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonObject>() ?? throw new InvalidOperationException("empty search result");
    }

    /// <summary>GET a relative FHIR path such as <c>Patient/123/_history/abc</c>.</summary>
    public async Task<JsonObject> ReadAsync(string relativePath)
    {
        using var response = await Http.GetAsync(new Uri($"{FhirBase}/{relativePath}"));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonObject>() ?? throw new InvalidOperationException("empty resource");
    }

    private Uri Control(string command) => new($"http://127.0.0.1:{Port}/$test/{command}");

    private static StringContent JsonBody(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    private void OnOutput(string? line)
    {
        Capture(line);
        if (line is not null && ReadyLine().Match(line) is { Success: true } match)
        {
            _ready.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 64 * 1024)
            {
                _output.AppendLine(line);
            }
        }
    }

    private string CapturedOutput()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private void KillOnExit(object? sender, EventArgs e) => Stop();

    private void Stop()
    {
        var process = Interlocked.Exchange(ref _process, null);
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    [GeneratedRegex(@"^telerad-fhir-server ready port=(\d+) ")]
    private static partial Regex ReadyLine();
}

/// <summary>The test FHIR server without authentication.</summary>
public sealed class OpenFhirServer() : FhirTestServer(requireAuth: false);

/// <summary>The test FHIR server that refuses requests without a valid bearer token.</summary>
public sealed class SecuredFhirServer() : FhirTestServer(requireAuth: true);

[CollectionDefinition(Name)]
public sealed class OpenFhirServerCollection : ICollectionFixture<OpenFhirServer>
{
    public const string Name = "Open FHIR server";
}

[CollectionDefinition(Name)]
public sealed class SecuredFhirServerCollection : ICollectionFixture<SecuredFhirServer>
{
    public const string Name = "Secured FHIR server";
}

/// <summary>
/// One injected fault. Status faults answer with that status (and Retry-After when given) instead of handling the
/// request; <see cref="HangMs"/> never answers; <see cref="Reset"/> drops the connection; with
/// <see cref="AfterProcessing"/> the request takes effect first and then the answer is replaced by the fault.
/// </summary>
public sealed record Fault
{
    public int? Status { get; init; }

    public string? RetryAfter { get; init; }

    public JsonObject? Outcome { get; init; }

    public int? HangMs { get; init; }

    public bool Reset { get; init; }

    public bool AfterProcessing { get; init; }

    /// <summary>"fhir" (default) or "token".</summary>
    public string Target { get; init; } = "fhir";

    public int Times { get; init; } = 1;

    public static Fault WithStatus(int status, string? retryAfter = null) => new() { Status = status, RetryAfter = retryAfter };

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["target"] = Target, ["times"] = Times };
        if (Status is { } status)
        {
            json["status"] = status;
        }

        if (RetryAfter is not null)
        {
            json["retryAfter"] = RetryAfter;
        }

        if (Outcome is not null)
        {
            json["outcome"] = Outcome.DeepClone();
        }

        if (HangMs is { } hang)
        {
            json["hangMs"] = hang;
        }

        if (Reset)
        {
            json["reset"] = true;
        }

        if (AfterProcessing)
        {
            json["afterProcessing"] = true;
        }

        return json;
    }
}

/// <summary>The server's counters (GET /$test/stats).</summary>
public sealed class ServerStats(JsonObject json)
{
    public JsonObject Json { get; } = json;

    public int FhirRequests => Json["fhirRequests"]!.GetValue<int>();

    public int FaultsServed => Json["faultsServed"]!.GetValue<int>();

    public int Unauthorized => Json["unauthorized"]!.GetValue<int>();

    public int PendingFaults => Json["pendingFaults"]!.GetValue<int>();

    public int TokenRequestsRefused => Json["tokenRequestsRefused"]!.GetValue<int>();

    public string? LastTokenRefusal => Json["lastTokenRefusal"]?.GetValue<string>();

    public int Created(string resourceType) => Json["created"]?[resourceType]?.GetValue<int>() ?? 0;

    public int Updated(string resourceType) => Json["updated"]?[resourceType]?.GetValue<int>() ?? 0;

    public int TokensIssued(string clientId) => Json["tokensIssued"]?[clientId]?.GetValue<int>() ?? 0;

    public int Route(string key) => Json["byRoute"]?[key]?.GetValue<int>() ?? 0;

    public override string ToString() => Json.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
