using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Telerad.Azure.Tests;

/// <summary>
/// Records every HTTP request the Azure SDK sends (after retries are decided, so each attempt is one entry): method,
/// path, query, range, status, and a global sequence number for when it started and when it finished. Lets tests see
/// what went over the wire (ranged reads, block uploads, the manifest after every object) without trusting our code.
/// </summary>
internal sealed class RequestLog : HttpPipelinePolicy
{
    private long _clock;

    public ConcurrentQueue<Entry> Entries { get; } = new();

    public sealed record Entry(string Method, string Path, string Query, string? Range, int Status, long Started, long Finished);

    /// <summary>Blob client options that route through this log (and retry little: tests want failures fast).</summary>
    public global::Azure.Storage.Blobs.BlobClientOptions Options()
    {
        var options = new global::Azure.Storage.Blobs.BlobClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerRetry);
        return options;
    }

    /// <summary>Table client options that route through this log.</summary>
    public global::Azure.Data.Tables.TableClientOptions TableOptions()
    {
        var options = new global::Azure.Data.Tables.TableClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerRetry);
        return options;
    }

    public void Clear() => Entries.Clear();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Interlocked.Increment(ref _clock);
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            Record(message, started);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Interlocked.Increment(ref _clock);
        try
        {
            await ProcessNextAsync(message, pipeline);
        }
        finally
        {
            Record(message, started);
        }
    }

    private void Record(HttpMessage message, long started)
    {
        var request = message.Request;
        request.Headers.TryGetValue("x-ms-range", out var range);
        if (range is null)
        {
            request.Headers.TryGetValue("Range", out range);
        }

        var uri = request.Uri.ToUri();
        Entries.Enqueue(new Entry(
            request.Method.Method,
            Uri.UnescapeDataString(uri.AbsolutePath),
            uri.Query,
            range,
            message.HasResponse ? message.Response.Status : 0,
            started,
            Interlocked.Increment(ref _clock)));
    }
}
