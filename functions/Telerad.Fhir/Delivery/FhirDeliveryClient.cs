using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telerad.Fhir.Auth;

namespace Telerad.Fhir.Delivery;

/// <summary>
/// Sends a report's transaction Bundle to a referrer's FHIR endpoint: <c>POST [base]</c> with
/// <c>application/fhir+json</c> (FHIR R4 http.html#transaction), with the endpoint's bearer token, and reads the
/// transaction-response. Retries 408, 429, 5xx, timeouts and connection failures with exponential backoff and full
/// jitter, honouring Retry-After, within <see cref="FhirDeliveryOptions"/>; a 401 refreshes the token and retries once;
/// any other refusal ends at once as a <see cref="PermanentFailure"/> carrying the server's OperationOutcome.
/// Retrying a transaction is safe because Telerad's bundles are idempotent (conditional create and update on business
/// identifiers): a transaction that took effect but whose answer was lost creates nothing new when sent again.
/// Logs carry opaque ids only (endpoint id, report id, attempt, status code); never bodies or OperationOutcomes.
/// </summary>
public sealed class FhirDeliveryClient
{
    /// <summary>The FHIR JSON media type (FHIR R4 http.html#mime-type).</summary>
    public const string FhirJsonMediaType = "application/fhir+json";

    private static readonly JsonSerializerOptions FhirJson = new JsonSerializerOptions().ForFhir();

    /// <summary>OperationOutcomes from other servers are read leniently: an unknown extension must not hide the issues.</summary>
    private static readonly JsonSerializerOptions LenientFhirJson = new JsonSerializerOptions().ForFhir().UsingMode(DeserializationMode.Ostrich);

    private readonly HttpClient _http;
    private readonly AccessTokenProviders _tokens;
    private readonly FhirDeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly IDeliveryDelay _delay;
    private readonly Random _random;
    private readonly ILogger _logger;

    /// <param name="http">Sends to FHIR endpoints; its own Timeout should not be shorter than <see cref="FhirDeliveryOptions.AttemptTimeout"/>.</param>
    /// <param name="tokens">Token providers per endpoint (shared by all deliveries of the process).</param>
    /// <param name="options">Retry policy; validated here.</param>
    /// <param name="time">Clock for timeouts, Retry-After dates and the total time budget.</param>
    /// <param name="delay">The wait between attempts (default: a real wait on <paramref name="time"/>).</param>
    /// <param name="random">Jitter source (default: <see cref="Random.Shared"/>); seeded in tests.</param>
    public FhirDeliveryClient(
        HttpClient http,
        AccessTokenProviders tokens,
        FhirDeliveryOptions? options = null,
        TimeProvider? time = null,
        IDeliveryDelay? delay = null,
        ILogger<FhirDeliveryClient>? logger = null,
        Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(tokens);
        _options = options ?? new FhirDeliveryOptions();
        _options.EnsureValid();
        _http = http;
        _tokens = tokens;
        _time = time ?? TimeProvider.System;
        _delay = delay ?? new TimeProviderDelay(_time);
        _random = random ?? Random.Shared;
        _logger = logger ?? NullLogger<FhirDeliveryClient>.Instance;
    }

    /// <summary>Delivers a transaction Bundle. <paramref name="reportId"/> is Telerad's opaque report id, used in logs only.</summary>
    public Task<DeliveryResult> DeliverAsync(FhirEndpoint endpoint, Bundle transaction, string reportId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Type != Bundle.BundleType.Transaction)
        {
            throw new ArgumentException($"Only transaction bundles are delivered (this one is {transaction.Type?.ToString() ?? "untyped"}).", nameof(transaction));
        }

        return DeliverBytesAsync(endpoint, JsonSerializer.SerializeToUtf8Bytes(transaction, FhirJson), reportId, cancellationToken);
    }

    /// <summary>Delivers a transaction Bundle already serialised as FHIR JSON (sent as it is).</summary>
    public Task<DeliveryResult> DeliverAsync(FhirEndpoint endpoint, string transactionJson, string reportId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionJson);
        var body = Encoding.UTF8.GetBytes(transactionJson);
        if (!IsTransactionBundle(body))
        {
            throw new ArgumentException("The JSON is not a FHIR Bundle of type transaction.", nameof(transactionJson));
        }

        return DeliverBytesAsync(endpoint, body, reportId, cancellationToken);
    }

    private async Task<DeliveryResult> DeliverBytesAsync(FhirEndpoint endpoint, byte[] body, string reportId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrEmpty(reportId);
        FhirEndpointValidator.EnsureValid(endpoint);
        var tokens = _tokens.For(endpoint.EndpointId, endpoint.Authentication);
        var started = _time.GetTimestamp();
        var allowed = _options.MaxAttempts;
        var refreshedToken = false;
        Attempt last;
        var attempt = 0;
        while (true)
        {
            attempt++;
            var remaining = _options.MaxTotalTime - _time.GetElapsedTime(started);
            var timeout = remaining < _options.AttemptTimeout ? remaining : _options.AttemptTimeout;
            last = timeout > TimeSpan.Zero
                ? await AttemptAsync(endpoint, body, tokens, timeout, reportId, cancellationToken).ConfigureAwait(false)
                : Attempt.Retryable(DeliveryFailureKind.Timeout, null, null);
            var elapsed = _time.GetElapsedTime(started);

            switch (last.Kind)
            {
                case AttemptKind.Success:
                    DeliveryLog.Delivered(_logger, endpoint.EndpointId, reportId, last.StatusCode ?? 0, last.Entries!.Count, attempt, (long)elapsed.TotalMilliseconds);
                    return new Delivered(endpoint.EndpointId, attempt, elapsed, last.StatusCode ?? 0, last.Entries!);

                case AttemptKind.Unauthorized when tokens is not null && !refreshedToken && last.RejectedToken is not null:
                    // The token may have been revoked or expired early: one fresh token, one more attempt, no wait.
                    DeliveryLog.TokenRejected(_logger, endpoint.EndpointId, reportId, attempt);
                    tokens.Invalidate(last.RejectedToken);
                    refreshedToken = true;
                    allowed++;
                    continue;

                case AttemptKind.Unauthorized:
                    DeliveryLog.PermanentFailure(_logger, endpoint.EndpointId, reportId, PermanentFailureReason.Unauthorized, last.StatusCode, attempt);
                    return new PermanentFailure(endpoint.EndpointId, attempt, elapsed, PermanentFailureReason.Unauthorized, last.StatusCode, last.Outcome);

                case AttemptKind.Permanent:
                    DeliveryLog.PermanentFailure(_logger, endpoint.EndpointId, reportId, last.Reason, last.StatusCode, attempt);
                    return new PermanentFailure(endpoint.EndpointId, attempt, elapsed, last.Reason, last.StatusCode, last.Outcome);
            }

            // Retryable: wait as the server asked, or back off with full jitter, if attempts and time allow.
            var wait = last.RetryAfter ?? RetryTiming.FullJitter(attempt, _options.BaseDelay, _options.MaxDelay, NextRandom());
            if (attempt >= allowed || elapsed + wait >= _options.MaxTotalTime)
            {
                DateTimeOffset? notBefore = last.RetryAfter is { } asked ? _time.GetUtcNow() + asked : null;
                DeliveryLog.Exhausted(_logger, endpoint.EndpointId, reportId, attempt, last.Failure, last.StatusCode, (long)elapsed.TotalMilliseconds);
                return new RetryableFailureExhausted(endpoint.EndpointId, attempt, elapsed, last.Failure, last.StatusCode, notBefore);
            }

            DeliveryLog.AttemptFailed(_logger, endpoint.EndpointId, reportId, attempt, last.Failure, last.StatusCode, (long)wait.TotalMilliseconds);
            await _delay.DelayAsync(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A seeded <see cref="Random"/> is not thread-safe, and deliveries run in parallel.</summary>
    private double NextRandom()
    {
        if (ReferenceEquals(_random, Random.Shared))
        {
            return _random.NextDouble();
        }

        lock (_random)
        {
            return _random.NextDouble();
        }
    }

    private async Task<Attempt> AttemptAsync(FhirEndpoint endpoint, byte[] body, IAccessTokenProvider? tokens, TimeSpan timeout, string reportId, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            var token = tokens is null ? null : await tokens.GetTokenAsync(linked.Token).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.BaseUrl) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(FhirJsonMediaType) { CharSet = "utf-8" };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FhirJsonMediaType));
            if (_options.PreferMinimalResponse)
            {
                request.Headers.TryAddWithoutValidation("Prefer", "return=minimal");
            }

            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            var responseBody = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            return Classify(endpoint, reportId, response, responseBody, token);
        }
        catch (TokenAcquisitionException e)
        {
            return e.IsRetryable
                ? Attempt.Retryable(DeliveryFailureKind.TokenUnavailable, e.StatusCode, null)
                : Attempt.Permanent(PermanentFailureReason.AuthenticationFailed, e.StatusCode, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Attempt.Retryable(DeliveryFailureKind.Timeout, null, null);
        }
        catch (HttpRequestException)
        {
            return Attempt.Retryable(DeliveryFailureKind.ConnectionFailed, null, null);
        }
    }

    private Attempt Classify(FhirEndpoint endpoint, string reportId, HttpResponseMessage response, byte[] body, BearerToken? token)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            var entries = TransactionResponseReader.Read(body);
            if (entries is null)
            {
                DeliveryLog.UnreadableResponse(_logger, endpoint.EndpointId, reportId, status);
            }

            return Attempt.Succeeded(status, entries ?? []);
        }

        if (status == 401)
        {
            return new Attempt(AttemptKind.Unauthorized, status, default, PermanentFailureReason.Unauthorized, null, ReadOutcome(body), null, token);
        }

        if (status is 408 or 429 or >= 500)
        {
            var kind = status switch
            {
                408 => DeliveryFailureKind.RequestTimeout,
                429 => DeliveryFailureKind.Throttled,
                _ => DeliveryFailureKind.ServerError,
            };
            return Attempt.Retryable(kind, status, RetryTiming.RetryAfter(response.Headers.RetryAfter, _time.GetUtcNow()));
        }

        return status is >= 400 and < 500
            ? Attempt.Permanent(PermanentFailureReason.Rejected, status, ReadOutcome(body))
            : Attempt.Permanent(PermanentFailureReason.UnexpectedResponse, status, null);
    }

    /// <summary>The body as an OperationOutcome, or null when it is not one (an HTML error page, nothing at all).</summary>
    private static OperationOutcome? ReadOutcome(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Resource>(body, LenientFhirJson) as OperationOutcome;
        }
        catch (Exception e) when (e is JsonException or DeserializationFailedException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    private static bool IsTransactionBundle(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("resourceType", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Bundle"
                && root.TryGetProperty("type", out var bundleType) && bundleType.ValueKind == JsonValueKind.String && bundleType.GetString() == "transaction";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private enum AttemptKind
    {
        Success,
        Retryable,
        Unauthorized,
        Permanent,
    }

    /// <summary>What one attempt came to.</summary>
    private sealed record Attempt(
        AttemptKind Kind,
        int? StatusCode,
        DeliveryFailureKind Failure,
        PermanentFailureReason Reason,
        TimeSpan? RetryAfter,
        OperationOutcome? Outcome,
        IReadOnlyList<TransactionEntryResponse>? Entries,
        BearerToken? RejectedToken)
    {
        public static Attempt Succeeded(int status, IReadOnlyList<TransactionEntryResponse> entries) =>
            new(AttemptKind.Success, status, default, default, null, null, entries, null);

        public static Attempt Retryable(DeliveryFailureKind failure, int? status, TimeSpan? retryAfter) =>
            new(AttemptKind.Retryable, status, failure, default, retryAfter, null, null, null);

        public static Attempt Permanent(PermanentFailureReason reason, int? status, OperationOutcome? outcome) =>
            new(AttemptKind.Permanent, status, default, reason, null, outcome, null, null);
    }
}
