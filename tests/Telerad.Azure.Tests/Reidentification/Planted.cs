using System.Text;
using Telerad.Deidentification;

namespace Telerad.Azure.Tests;

/// <summary>
/// An entry of made-up, distinctive identifiers, so tests can search table rows and audit rows for them.
/// (A twin of the one in Telerad.Deidentification.Tests; duplicated to keep this project free of the DICOM test projects.)
/// </summary>
internal static class Planted
{
    public static readonly string[] Identifiers =
    [
        "1.2.826.0.1.3680043.2.1125.777.4242", "ACC7731902", "MRN55219034", "PLANTEDISSUER",
        "Zyxwvut^Quillon", "Zyxwvut", "Quillon", "19470913", "Refdocson^Marguerite", "Refdocson",
    ];

    /// <summary>A tenant id no other test uses, so tests share one Azurite without seeing each other's rows.</summary>
    public static string NewTenant() => "tenant-" + Guid.NewGuid().ToString("N")[..12];

    public static ReidentificationEntry Entry(string tenant, string studyUid = "2.25.123456789012345678901234567890", string? patientName = null) => new()
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
}
