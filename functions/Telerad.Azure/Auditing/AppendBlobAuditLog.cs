using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Telerad.Auditing;
using Telerad.Storage;

namespace Telerad.Azure;

/// <summary>
/// The immutable copy of Telerad's audit trail: one JSON line per record (the same line
/// <see cref="JsonLinesAuditLog"/> writes) appended to <c>audit/{tenant}/{yyyy}/{MM}/{dd}.jsonl</c>, the UTC day
/// of the record's time. Records written at the same time share an append block (<see cref="AppendGroupCommit"/>); a
/// block holds whole lines, so a record is wholly stored or not at all, and it is stored when <see cref="WriteAsync"/>
/// returns; writers on many instances may append to the same day at once.
/// An append blob takes at most 50,000 blocks: when a day's blob is full the log continues in
/// <c>{dd}.1.jsonl</c>, <c>{dd}.2.jsonl</c>, ... (<see cref="ReadDayAsync"/> reads them all, in order).
/// </summary>
public sealed class AppendBlobAuditLog : IAuditLog
{
    /// <summary>Azure's error code for an append to a blob that holds 50,000 blocks.</summary>
    internal const string BlobFullErrorCode = "BlockCountExceedsLimit";

    private readonly IObjectStore _store;
    private readonly string _container;

    /// <summary>The part each (tenant, day) is currently appended to; 0 is <c>{dd}.jsonl</c>. Only grows.</summary>
    private readonly ConcurrentDictionary<string, int> _parts = new(StringComparer.Ordinal);

    private readonly AppendGroupCommit _groupCommit;

    /// <param name="store">A <see cref="BlobObjectStore"/> in Azure and locally; any store with append objects works.</param>
    public AppendBlobAuditLog(IObjectStore store, string container = Containers.Audit)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        _store = store;
        _container = container;
        _groupCommit = new AppendGroupCommit(AppendToDayAsync);
    }

    public Task WriteAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return _groupCommit.AppendAsync(DayPrefix(record.TenantId, record.Time), Line(record), cancellationToken);
    }

    /// <summary>Appends one block (one or more whole lines) to the day's current part, moving on when it is full.</summary>
    private async Task AppendToDayAsync(string day, ReadOnlyMemory<byte> block)
    {
        var part = _parts.GetOrAdd(day, 0);
        while (true)
        {
            try
            {
                // Not the writer's cancellation: the block may hold other writers' lines.
                await _store.AppendAsync(new ObjectRef(_container, PartName(day, part)), block, CancellationToken.None);
                return;
            }
            catch (ObjectStoreException e) when (e.ErrorCode == BlobFullErrorCode)
            {
                // Full: move on to the next part (another writer may already have).
                part++;
                _parts.AddOrUpdate(day, part, (_, current) => Math.Max(current, part));
            }
        }
    }

    /// <summary>Every record of a tenant's UTC day, in the order they were appended (for operators and checks).</summary>
    public async Task<IReadOnlyList<AuditRecord>> ReadDayAsync(string tenantId, DateOnly day, CancellationToken cancellationToken = default)
    {
        OpaqueId.Require(tenantId, nameof(tenantId));
        var prefix = DayPrefix(tenantId, new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        var parts = new List<(int Part, ObjectRef Reference)>();
        await foreach (var item in _store.ListAsync(_container, prefix, cancellationToken))
        {
            if (PartOf(prefix, item.Reference.Name) is { } part)
            {
                parts.Add((part, item.Reference));
            }
        }

        var records = new List<AuditRecord>();
        foreach (var (_, reference) in parts.OrderBy(p => p.Part))
        {
            await using var stream = await _store.OpenReadAsync(reference, cancellationToken);
            using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
            var lineNumber = 0;
            while (await reader.ReadLineAsync(cancellationToken) is { } text)
            {
                lineNumber++;
                if (text.Length == 0)
                {
                    continue;
                }

                try
                {
                    records.Add(JsonSerializer.Deserialize(text, AppendBlobAuditJsonContext.Default.AuditRecord)
                        ?? throw new InvalidDataException($"Audit line {lineNumber} of {ObjectNames.Describe(reference)} is null."));
                }
                catch (Exception e) when (e is JsonException or ArgumentException)
                {
                    throw new InvalidDataException($"Audit line {lineNumber} of {ObjectNames.Describe(reference)} is not an audit record.", e);
                }
            }
        }

        return records;
    }

    /// <summary><c>{tenant}/{yyyy}/{MM}/{dd}</c> of the record's UTC day (tenant ids are opaque ids: safe in a path).</summary>
    internal static string DayPrefix(string tenantId, DateTimeOffset time) =>
        tenantId + "/" + time.UtcDateTime.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture);

    internal static string PartName(string dayPrefix, int part) =>
        part == 0 ? dayPrefix + ".jsonl" : dayPrefix + "." + part.ToString(CultureInfo.InvariantCulture) + ".jsonl";

    private static int? PartOf(string dayPrefix, string name)
    {
        if (name == dayPrefix + ".jsonl")
        {
            return 0;
        }

        var middle = name.StartsWith(dayPrefix + ".", StringComparison.Ordinal) && name.EndsWith(".jsonl", StringComparison.Ordinal)
            ? name[(dayPrefix.Length + 1)..^".jsonl".Length]
            : null;
        return middle is { Length: > 0 } && middle.All(char.IsAsciiDigit) && int.TryParse(middle, NumberStyles.None, CultureInfo.InvariantCulture, out var part) && part > 0
            ? part
            : null;
    }

    private static byte[] Line(AuditRecord record)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(record, AppendBlobAuditJsonContext.Default.AuditRecord);
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        return line;
    }
}

/// <summary>The options of Telerad.Deidentification's audit JSON, so a line reads the same from a file and from a blob.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(AuditRecord))]
internal sealed partial class AppendBlobAuditJsonContext : JsonSerializerContext;
