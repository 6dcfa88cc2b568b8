using System.Text.Json.Nodes;
using Telerad.Dicom.Tests;
using Xunit.Abstractions;

namespace Telerad.Deidentification.Tests.Phi;

/// <summary>
/// The corpus and the scanner are right before any engine runs: every planted value is found where the manifest
/// says (100% recall, in its declared encoding), nothing is found that was not planted, pydicom's own files give no
/// false positives, the corpus is deterministic, dcmtk and pydicom read it as intended, and the standard requires
/// every planted value to go.
/// </summary>
public class PhiCorpusSanityTests(ITestOutputHelper output)
{
    public static TheoryData<string> CorpusFiles() => new(PhiCorpus.Names);

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Every_planted_value_is_found_where_it_was_planted_in_its_encoding(string name)
    {
        var file = PhiCorpus.Get(name);
        var walk = DicomByteWalker.Walk(file.Bytes);
        Assert.True(walk.Error is null, $"the walker stopped: {walk.Error}");
        var hits = PhiScanner.ForAllIdentifiers.Scan(file.Bytes);
        var missing = file.Entries
            .Where(e => !hits.Any(h => h.Path == e.Path && h.Identifier == e.Identifier && h.Pattern.Encodings.Contains(e.Encoding)))
            .ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {file.Entries.Count} planted values not found:\n{string.Join('\n', missing.Take(30))}");
        Assert.True(file.Entries.Count > 150, $"only {file.Entries.Count} planted values");
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Every_hit_is_a_planted_value(string name)
    {
        var file = PhiCorpus.Get(name);
        var planted = file.Entries.Select(e => (e.Path, e.Identifier.Id)).ToHashSet();
        var stray = PhiScanner.ForAllIdentifiers.Scan(file.Bytes).Where(h => !planted.Contains((h.Path, h.Identifier.Id))).ToList();
        Assert.True(stray.Count == 0, $"hits the manifest does not explain:\n{string.Join('\n', stray.Take(30))}");
    }

    [Fact]
    public void Generating_twice_gives_the_same_bytes_and_manifest()
    {
        var again = PhiCorpus.Generate();
        Assert.Equal(PhiCorpus.Files.Count, again.Count);
        for (var i = 0; i < again.Count; i++)
        {
            Assert.True(PhiCorpus.Files[i].Bytes.AsSpan().SequenceEqual(again[i].Bytes), $"{again[i].Name} differs between runs");
            Assert.Equal(PhiCorpus.Files[i].Entries.Select(e => e.ToString()), again[i].Entries.Select(e => e.ToString()));
        }
    }

    [Fact]
    public void Pydicom_files_give_no_false_positives()
    {
        var files = TestData.PydicomFiles().ToList();
        var expected = PydicomPhiOracle.IdentifiersInText(files, PlantedIdentifiers.All);
        var differences = new List<string>();
        foreach (var path in files)
        {
            var hits = PhiScanner.ForAllIdentifiers.Scan(File.ReadAllBytes(path));
            var found = hits.Select(h => h.Identifier.Id).ToHashSet(StringComparer.Ordinal);
            var oracle = expected[path];
            if (!found.SetEquals(oracle))
            {
                differences.Add($"{Path.GetFileName(path)}: scanner [{string.Join(' ', found.Order())}], pydicom text [{string.Join(' ', oracle.Order())}]; "
                    + string.Join("; ", hits.Take(5)));
            }

            if (found.Count > 0)
            {
                output.WriteLine($"{Path.GetFileName(path)} really holds {string.Join(", ", found.Order())} (pydicom agrees)");
            }
        }

        Assert.True(differences.Count == 0, string.Join('\n', differences));
        // The Annex H name is in pydicom's Japanese files: the scanner must find it there (recall on files we did not write).
        Assert.Contains(PlantedIdentifiers.PatientNameJapanese.Id, expected.Single(p => p.Key.EndsWith("chrH31.dcm", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public void Search_bytes_of_every_part_match_Python_codecs()
    {
        var parts = PlantedIdentifiers.All.SelectMany(i => i.Parts).Where(p => !PhiText.IsAscii(p)).Distinct().ToList();
        var python = PydicomPhiOracle.Encodings(parts);
        var differences = new List<string>();
        var compared = 0;
        foreach (var part in parts)
        {
            foreach (var (codec, hex) in python[part]!.AsObject())
            {
                var encoding = Enum.Parse<PhiEncoding>(codec);
                var ours = PhiText.TryEncode(part, encoding) is { } b ? Convert.ToHexString(b) : null;
                var theirs = hex?.GetValue<string>();
                // The double-byte encodings are searched only for the Annex H kanji and kana; where we search, Python must agree.
                if (ours is null && (encoding is PhiEncoding.Iso2022Jis or PhiEncoding.ShiftJis or PhiEncoding.EucJp) && !IsJapaneseOnly(part))
                {
                    continue;
                }

                compared++;
                if (ours != theirs)
                {
                    differences.Add($"'{part}' {codec}: ours {ours ?? "none"}, Python {theirs ?? "none"}");
                }
            }
        }

        Assert.True(compared > 40, $"only {compared} comparisons");

        Assert.True(differences.Count == 0, string.Join('\n', differences));
    }

    private static bool IsJapaneseOnly(string part) => part.All(c => c is >= '\u3040' and <= '\u30FF' or >= '\u4E00' and <= '\u9FFF');

    [Fact]
    public void Pydicom_reads_the_planted_names_in_each_character_set()
    {
        var scratch = TestData.NewScratchDirectory("phi-names");
        try
        {
            var paths = PhiCorpus.Files.ToDictionary(f => Path.Combine(scratch, f.Name), f => f);
            foreach (var (path, file) in paths)
            {
                File.WriteAllBytes(path, file.Bytes);
            }

            var names = PydicomPhiOracle.Names(paths.Keys);
            var differences = new List<string>();
            foreach (var (path, file) in paths)
            {
                var expected = file.PatientName;
                var decoded = names[path]!["name"]!.GetValue<string>();
                if (decoded != expected)
                {
                    differences.Add($"{file.Name}: pydicom reads Patient's Name as '{decoded}', planted '{expected}'");
                }

                var others = names[path]!["others"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
                if (!file.Name.Contains("synthetic-un", StringComparison.Ordinal) && !others.Contains(expected))
                {
                    differences.Add($"{file.Name}: Other Patient Names [{string.Join(" | ", others)}] lack '{expected}'");
                }
            }

            Assert.True(differences.Count == 0, string.Join('\n', differences));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Dcmtk_reads_each_corpus_file_with_the_structure_the_walker_sees(string name)
    {
        var file = PhiCorpus.Get(name);
        var scratch = TestData.NewScratchDirectory("phi-dcmdump");
        try
        {
            var path = Path.Combine(scratch, name);
            File.WriteAllBytes(path, file.Bytes);
            var listing = DcmdumpListing.Read(path);
            Assert.True(listing.ExitCode == 0 && !listing.Errors.Contains("E:", StringComparison.Ordinal), $"dcmdump: {listing.Errors}");
            var walk = DicomByteWalker.Walk(file.Bytes);
            var ours = walk.Elements.Where(e => e.Path != "preamble" && !e.Path.StartsWith("meta/", StringComparison.Ordinal)).Select(e => $"{e.Depth} {e.Tag}").ToList();
            var theirs = listing.Dataset.Select(l => $"{l.Depth} {l.Tag}").ToList();
            Assert.Equal(theirs, ours);
            Assert.Equal(
                listing.Meta.Select(l => l.Tag.ToString()),
                walk.Elements.Where(e => e.Path.StartsWith("meta/", StringComparison.Ordinal)).Select(e => e.Tag.ToString()));

            // Telerad.Dicom reads it too (the engine test feeds it this way).
            using var read = DicomFile.Read(file.Bytes);
            Assert.True(read.Dataset.Count > 50);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void The_standard_requires_every_planted_value_to_go_under_both_profiles(string name)
    {
        var file = PhiCorpus.Get(name);
        using var read = DicomFile.Read(file.Bytes);
        var problems = new List<string>();
        foreach (var profile in new[] { DeidentificationProfile.Basic, DeidentificationProfile.Reading })
        {
            foreach (var entry in file.Entries)
            {
                var rule = PlantCoverage.Rule(read.Dataset, entry.Path, profile);
                if (rule is null && !entry.Identifier.MaySurvive(profile))
                {
                    problems.Add($"{profile.Name}: nothing in PS3.15 removes {entry}");
                }

                if (rule is not null && entry.Identifier.MaySurvive(profile))
                {
                    problems.Add($"{profile.Name}: {entry} is exempt but planted where '{rule}' removes it; keep exempt identifiers in their home element");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems.Take(40)));
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void A_crude_rule_stripper_passes_the_scan_so_the_corpus_asks_nothing_impossible(string name)
    {
        var file = PhiCorpus.Get(name);
        foreach (var profile in new[] { DeidentificationProfile.Basic, DeidentificationProfile.Reading })
        {
            using var input = DicomFile.Read(file.Bytes);
            using var written = new MemoryStream();
            DicomWriter.WriteFile(written, RuleStripper.Strip(input.Dataset, profile), DicomTransferSyntax.ExplicitVRLittleEndian);
            var hits = PhiScanner.ForAllIdentifiers.Scan(written.ToArray()).Where(h => !h.Identifier.MaySurvive(profile)).ToList();
            Assert.True(hits.Count == 0, $"{profile.Name}:\n{string.Join('\n', hits.Take(20))}");
            using var output = DicomFile.Read(written.ToArray());
            var lost = file.MustSurvive.Where(m => m.AppliesTo(profile)).Select(m => (m.What, Problem: m.Check(output.Dataset))).Where(p => p.Problem is not null).ToList();
            Assert.True(lost.Count == 0, $"{profile.Name}: " + string.Join("; ", lost));
        }
    }

    [Fact]
    public void Every_category_and_encoding_is_planted_and_the_counts_are_reported()
    {
        var entries = PhiCorpus.Files.SelectMany(f => f.Entries).ToList();
        output.WriteLine($"{PhiCorpus.Files.Count} files, {entries.Count} planted values in {entries.Select(e => (e.File, e.Path)).Distinct().Count()} locations");
        output.WriteLine("category\tlocations\tvalues\tfiles");
        foreach (var group in entries.GroupBy(e => e.Category).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{group.Key}\t{group.Select(e => (e.File, e.Path)).Distinct().Count()}\t{group.Count()}\t{group.Select(e => e.File).Distinct().Count()}");
        }

        output.WriteLine("encoding\tvalues");
        foreach (var group in entries.GroupBy(e => e.Encoding).OrderBy(g => g.Key))
        {
            output.WriteLine($"{group.Key}\t{group.Count()}");
        }

        output.WriteLine("identifier\tvalues");
        foreach (var group in entries.GroupBy(e => e.Identifier.Id).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{group.Key}\t{group.Count()}");
        }

        var categories = typeof(PlantCategory).GetFields().Select(f => (string)f.GetValue(null)!).ToList();
        Assert.Empty(categories.Except(entries.Select(e => e.Category)));
        Assert.Empty(Enum.GetValues<PhiEncoding>().Except(entries.Select(e => e.Encoding)));
        Assert.Empty(PlantedIdentifiers.All.Except(entries.Select(e => e.Identifier)));
        Assert.All(PhiCorpus.Files, f => Assert.NotEmpty(f.MustSurvive));

        if (Environment.GetEnvironmentVariable("TELERAD_PHI_CORPUS_DIR") is { Length: > 0 } directory)
        {
            PhiCorpus.WriteTo(directory);
            output.WriteLine($"corpus written to {directory}");
        }
    }
}
