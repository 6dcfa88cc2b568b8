using System.Text.Json;
using Telerad.Deidentification;

namespace Telerad.Auditing;

/// <summary>
/// The audit trail as a local file, one JSON object per line (CLI and local runs). Each record is one
/// append of one buffer followed by an fsync, so a record is either wholly there or not at all, and it is
/// on disk before <see cref="WriteAsync"/> returns. Writers in other processes wait on <c>{path}.lock</c>.
/// Created with owner-only permissions on Unix.
/// </summary>
public sealed class JsonLinesAuditLog : IAuditLog, IDisposable
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);

    public JsonLinesAuditLog(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    public async Task WriteAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var json = JsonSerializer.SerializeToUtf8Bytes(record, AuditJsonContext.Default.AuditRecord);
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';

        await _gate.WaitAsync(cancellationToken);
        try
        {
            // .NET does not open files with O_APPEND: it writes at the end it saw when opening. Another
            // process appending at the same moment would overwrite that line, so writers take a lock first.
            await using var writerLock = await PrivateFiles.LockAsync(Path + ".lock", LockTimeout, cancellationToken);
            await using var stream = PrivateFiles.Open(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            await stream.WriteAsync(line, cancellationToken);
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads every record of an audit file, oldest first (for the CLI and for checks).</summary>
    public static IReadOnlyList<AuditRecord> ReadAll(string path)
    {
        var records = new List<AuditRecord>();
        if (!File.Exists(path))
        {
            return records;
        }

        var text = File.ReadAllText(path, System.Text.Encoding.UTF8);
        // A last line without its newline is a record still being written: not there yet.
        var complete = text[..(text.LastIndexOf('\n') + 1)];
        var lineNumber = 0;
        foreach (var line in complete.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                records.Add(JsonSerializer.Deserialize(line, AuditJsonContext.Default.AuditRecord)
                    ?? throw new InvalidDataException($"Audit file line {lineNumber} is null."));
            }
            catch (Exception e) when (e is JsonException or ArgumentException)
            {
                throw new InvalidDataException($"Audit file line {lineNumber} is not an audit record.", e);
            }
        }

        return records;
    }

    public void Dispose() => _gate.Dispose();
}
