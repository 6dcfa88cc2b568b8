using System.Text;
using Telerad.Dicom.Tests;

namespace Telerad.Deidentification.Tests.Reidentification;

/// <summary>
/// An entry full of made-up but distinctive identifiers, so tests can search ciphertexts, audit trails and
/// messages for them byte by byte. Any hit means PHI leaked.
/// </summary>
internal static class Planted
{
    public const string Tenant = "tenant-a";
    public const string DeidentifiedStudyUid = "2.25.123456789012345678901234567890";

    public static readonly string[] Identifiers =
    [
        "1.2.826.0.1.3680043.2.1125.777.4242",
        "ACC7731902",
        "MRN55219034",
        "PLANTEDISSUER",
        "Zyxwvut^Quillon",
        "Zyxwvut",
        "Quillon",
        "19470913",
        "Refdocson^Marguerite",
        "Refdocson",
    ];

    public static ReidentificationEntry Entry(string tenant = Tenant, string studyUid = DeidentifiedStudyUid, string? patientName = null) => new()
    {
        TenantId = tenant,
        DeidentifiedStudyInstanceUid = studyUid,
        OriginalStudyInstanceUid = "1.2.826.0.1.3680043.2.1125.777.4242",
        AccessionNumber = "ACC7731902",
        PatientId = "MRN55219034",
        IssuerOfPatientId = "PLANTEDISSUER",
        PatientName = patientName ?? "Zyxwvut^Quillon",
        PatientBirthDate = "19470913",
        ReferringPhysicianName = "Refdocson^Marguerite",
        DateShiftDays = -1234,
        PseudonymKeyId = "0011223344556677",
    };

    /// <summary>The planted identifiers found in <paramref name="bytes"/> (as UTF-8 or UTF-16), ideally none.</summary>
    public static IReadOnlyList<string> FoundIn(ReadOnlySpan<byte> bytes)
    {
        var found = new List<string>();
        foreach (var identifier in Identifiers)
        {
            if (bytes.IndexOf(Encoding.UTF8.GetBytes(identifier)) >= 0 || bytes.IndexOf(Encoding.Unicode.GetBytes(identifier)) >= 0)
            {
                found.Add(identifier);
            }
        }

        return found;
    }

    public static IReadOnlyList<string> FoundIn(string text) => FoundIn(Encoding.UTF8.GetBytes(text));

    /// <summary>Octal permission bits of a file as the independent `stat` tool reports them ("600").</summary>
    public static string PermissionsOf(string path)
    {
        var result = ExternalTool.Run("/usr/bin/stat", ["-c", "%a", path]);
        Assert.Equal(0, result.ExitCode);
        return result.StandardOutput.Trim();
    }

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "telerad-reid-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}

/// <summary>Keys held in memory, one generated set per tenant.</summary>
internal sealed class InMemoryKeys : IDeidentificationKeyProvider
{
    private readonly Dictionary<string, DeidentificationKeys> _keys = new(StringComparer.Ordinal);

    public DeidentificationKeys GetKeys(string tenantId)
    {
        lock (_keys)
        {
            if (!_keys.TryGetValue(tenantId, out var keys))
            {
                _keys[tenantId] = keys = DeidentificationKeys.Generate(tenantId);
            }

            return keys;
        }
    }

    public void Set(DeidentificationKeys keys)
    {
        lock (_keys)
        {
            _keys[keys.TenantId] = keys;
        }
    }
}
