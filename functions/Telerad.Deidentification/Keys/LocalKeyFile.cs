using System.Security.Cryptography;
using System.Text.Json;
using Telerad.Auditing;

namespace Telerad.Deidentification;

/// <summary>
/// Tenants' keys in a local JSON file, for the CLI and local runs (Azure uses Key Vault). The file and a
/// tenant's keys are created on first use: a fresh random pseudonym key and map key per tenant, base64,
/// owner-only permissions (0600) on Unix. Keys are only ever added, never changed: losing or changing the
/// map key makes the re-identification map unreadable, so keep the file (and a backup) safe.
/// <para>
/// Concurrency: changes happen while holding an exclusive lock on <c>{path}.lock</c> (released by the OS
/// if the process dies), and the new content is written to a temp file (<see cref="FileMode.CreateNew"/>)
/// that is renamed over the key file, so readers never see half a file. Two CLIs starting together agree
/// on one set of keys per tenant.
/// </para>
/// </summary>
public sealed class LocalKeyFile : IDeidentificationKeyProvider
{
    public const string FormatName = "telerad-deidentification-keys";
    public const int FormatVersion = 1;

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DeidentificationKeys> _cache = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public LocalKeyFile(string path, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _time = time ?? TimeProvider.System;
    }

    public string Path { get; }

    /// <summary>True once this instance has created the key file (the CLI then tells the user where it is).</summary>
    public bool CreatedFile { get; private set; }

    /// <summary><c>$TELERAD_KEY_FILE</c>, else <c>~/.config/telerad/deidentification-keys.json</c> (XDG config home).</summary>
    public static string DefaultPath()
    {
        var configured = Environment.GetEnvironmentVariable("TELERAD_KEY_FILE");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        return System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify),
            "telerad", "deidentification-keys.json");
    }

    /// <summary>The tenant's keys; creates them (and the file) if the tenant has none yet.</summary>
    public DeidentificationKeys GetKeys(string tenantId)
    {
        OpaqueId.Require(tenantId, nameof(tenantId));
        lock (_gate)
        {
            if (_cache.TryGetValue(tenantId, out var cached))
            {
                return cached;
            }

            // Fast path: the tenant is already in the file; no lock needed, the file is only ever replaced whole.
            var document = File.Exists(Path) ? Load() : null;
            var keys = document is null ? null : KeysOf(document, tenantId);
            keys ??= AddTenant(tenantId);
            _cache[tenantId] = keys;
            return keys;
        }
    }

    private DeidentificationKeys AddTenant(string tenantId)
    {
        using var fileLock = PrivateFiles.Lock(Path + ".lock", LockTimeout);

        // Read again under the lock: another process may have added the tenant (or created the file) meanwhile.
        var exists = File.Exists(Path);
        var document = exists ? Load() : new LocalKeyFileDocument { Format = FormatName, Version = FormatVersion, Tenants = [] };
        var existing = KeysOf(document, tenantId);
        if (existing is not null)
        {
            return existing;
        }

        var keys = DeidentificationKeys.Generate(tenantId);
        document.Tenants![tenantId] = new LocalKeyFileTenant
        {
            PseudonymKey = Convert.ToBase64String(keys.PseudonymKey),
            MapEncryptionKey = Convert.ToBase64String(keys.MapEncryptionKey),
            Created = _time.GetUtcNow(),
        };
        Replace(document);
        if (!exists)
        {
            CreatedFile = true;
        }

        return keys;
    }

    private LocalKeyFileDocument Load()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(Path);
        }
        catch (FileNotFoundException)
        {
            throw new InvalidDataException($"Key file {Path} disappeared while being read.");
        }

        LocalKeyFileDocument? document;
        try
        {
            // Editors may add a UTF-8 byte order mark; the JSON reader does not accept one.
            var json = bytes.AsMemory();
            if (json.Span.StartsWith("\uFEFF"u8))
            {
                json = json[3..];
            }

            document = LocalKeyFileDocument.Read(json);
        }
        catch (JsonException e)
        {
            // The parser's own message can quote bytes of the file (key material): report the position only.
            throw Corrupt($"it is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
        catch (InvalidDataException e)
        {
            throw Corrupt($"it is not valid JSON for a key file ({e.Message})");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }

        if (document is null || !string.Equals(document.Format, FormatName, StringComparison.Ordinal))
        {
            throw Corrupt($"it is not a {FormatName} file");
        }

        if (document.Version != FormatVersion)
        {
            throw Corrupt($"it has format version {document.Version}; this build reads version {FormatVersion}");
        }

        if (document.Tenants is null)
        {
            throw Corrupt("it has no \"tenants\" object");
        }

        return document;
    }

    private DeidentificationKeys? KeysOf(LocalKeyFileDocument document, string tenantId)
    {
        if (!document.Tenants!.TryGetValue(tenantId, out var entry))
        {
            return null;
        }

        var pseudonymKey = DecodeKey(entry?.PseudonymKey, tenantId, "pseudonymKey");
        var mapKey = DecodeKey(entry?.MapEncryptionKey, tenantId, "mapEncryptionKey");
        try
        {
            return new DeidentificationKeys(tenantId, pseudonymKey, mapKey);
        }
        catch (ArgumentException e)
        {
            throw Corrupt($"tenant '{tenantId}': {e.Message}");
        }
    }

    private byte[] DecodeKey(string? base64, string tenantId, string name)
    {
        var key = new byte[DeidentificationKeys.KeyLength];
        if (base64 is null || !Convert.TryFromBase64String(base64, key, out var written) || written != key.Length)
        {
            throw Corrupt($"tenant '{tenantId}': \"{name}\" is not {DeidentificationKeys.KeyLength} bytes of base64");
        }

        return key;
    }

    private void Replace(LocalKeyFileDocument document)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(document, LocalKeyFileJsonContext.Default.LocalKeyFileDocument);
        try
        {
            PrivateFiles.Replace(Path, json);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(json);
        }
    }

    private InvalidDataException Corrupt(string reason) =>
        new($"Key file {Path} is corrupt: {reason}. Restore it from a backup; deleting it loses access to every re-identification map it keys.");
}
