using System.Text;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// The proof that de-identification leaves no PHI: every corpus file goes through the engine with each profile,
/// its output is written as a Part 10 file (Explicit VR Little Endian) and the whole file is scanned for every
/// planted identifier in every encoding. Zero hits are allowed, except for an identifier whose home element the
/// profile keeps by rule (Ethnic Group under Retain Patient Characteristics). What must survive is checked too,
/// so that removing everything does not pass. Run alone with: dotnet test --filter Category=PhiScan
/// </summary>
[Trait("Category", "PhiScan")]
public class PhiScanTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var profile in new[] { DeidentificationProfile.Reading.Name, DeidentificationProfile.Basic.Name })
        {
            foreach (var name in PhiCorpus.Names)
            {
                data.Add(profile, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Deidentified_output_holds_no_planted_identifier_and_keeps_what_must_survive(string profileName, string fileName)
    {
        var profile = profileName == DeidentificationProfile.Reading.Name ? DeidentificationProfile.Reading : DeidentificationProfile.Basic;
        var corpus = PhiCorpus.Get(fileName);
        using var input = DicomFile.Read(corpus.Bytes);

        var result = new Deidentifier(profile, DeidentificationKeys.Generate("t1")).Deidentify(input.Dataset);
        Assert.True(
            result.Outcome == DeidentificationOutcome.Deidentified && result.Dataset is not null,
            $"{fileName} was not de-identified: {result.Outcome} {result.Quarantine?.Code} {result.Quarantine?.Message}");

        using var written = new MemoryStream();
        DicomWriter.WriteFile(written, result.Dataset, DicomTransferSyntax.ExplicitVRLittleEndian);
        var bytes = written.ToArray();

        var report = new StringBuilder();
        var hits = PhiScanner.ForAllIdentifiers.Scan(bytes).Where(h => !h.Identifier.MaySurvive(profile)).ToList();
        if (hits.Count > 0)
        {
            report.AppendLine($"{hits.Count} planted identifiers survive in the {profile.Name} output of {fileName} ({bytes.Length} bytes):");
            foreach (var hit in hits.Take(60))
            {
                report.AppendLine("  " + hit + " <- " + Explain(corpus, hit));
            }
        }

        using var output = DicomFile.Read(bytes);
        foreach (var survivor in corpus.MustSurvive.Where(m => m.AppliesTo(profile)))
        {
            if (survivor.Check(output.Dataset) is { } problem)
            {
                report.AppendLine($"must survive: {survivor.What}: {problem}");
            }
        }

        Assert.True(report.Length == 0, report.ToString());
    }

    /// <summary>Where the surviving value was planted: at the same path if the engine left it there, else all its places.</summary>
    private static string Explain(PhiCorpusFile corpus, PhiHit hit)
    {
        var same = corpus.Entries.Where(e => e.Path == hit.Path && e.Identifier == hit.Identifier).ToList();
        if (same.Count > 0)
        {
            return "planted here: " + string.Join("; ", same.Select(e => $"{e.Category}: {e.What}").Distinct());
        }

        var places = corpus.Entries.Where(e => e.Identifier == hit.Identifier).Select(e => e.Path).Distinct().ToList();
        return $"not a planted path (moved or copied?); {hit.Identifier.Id} was planted at {places.Count} paths, e.g. {string.Join(", ", places.Take(4))}";
    }
}
