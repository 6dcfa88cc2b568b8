using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Telerad.Dicom.Generator;
using Telerad.Dicom.Tests;
using Xunit.Abstractions;

namespace Telerad.Deidentification.Tests;

/// <summary>
/// Every row of PS3.15 Table E.1-1 under the Basic profile and under each option on its own: an instance
/// carrying the attribute at the top level and three sequence levels deep gets the specified action.
/// The expected action is read from the standard's table here, independently of the engine's own parser.
/// </summary>
public class ProfileTableTests(ITestOutputHelper output)
{
    private static readonly byte[] PseudonymKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly byte[] MapKey = [.. Enumerable.Range(101, 32).Select(i => (byte)i)];

    /// <summary>Attributes whose outcome Telerad decides outside the table (pseudonyms, its own marks), tested elsewhere.</summary>
    private static readonly HashSet<string> DecidedElsewhere = new(StringComparer.Ordinal)
    {
        "PatientID", "PatientName", "AccessionNumber",
        "PatientIdentityRemoved", "DeidentificationMethod", "DeidentificationMethodCodeSequence", "LongitudinalTemporalInformationModified",
        "EncapsulatedDocument", // quarantined: documents are never de-identified automatically
        "BurnedInAnnotation",
    };

    public static TheoryData<string> Columns() =>
    [
        "basic", "rtn_safe_priv", "rtn_uids", "rtn_dev_id", "rtn_inst_id", "rtn_pat_chars",
        "rtn_long_full_dates", "rtn_long_modif_dates", "clean_desc", "clean_struct_cont",
    ];

    [Theory]
    [MemberData(nameof(Columns))]
    public void Every_row_gets_its_action_at_the_top_level_and_three_levels_deep(string column)
    {
        var rows = DictionaryGenerator.ReadCsv(Path.Combine(TestData.RepositoryRoot, "functions", "Telerad.Deidentification", "Standard", "ps3.15-table-e1-1.csv"));
        var tableTags = rows.Select(r => r["tag"]).ToHashSet(StringComparer.Ordinal);
        var carrier = DicomDictionary.Entries.First(e => e.VR == DicomVR.SQ && e.Tag.Group >= 0x0008 && !e.IsRetired && !e.IsRepeating && !tableTags.Contains(e.TagPattern.ToUpperInvariant())).Tag;
        output.WriteLine($"carrier sequence: {carrier} {DicomDictionary.KeywordOf(carrier)}");
        var profile = ProfileFor(column);
        var keys = new DeidentificationKeys("tenant-a", PseudonymKey, MapKey);
        var failures = new List<string>();
        var checkedRows = 0;
        foreach (var row in rows)
        {
            if (row["tag"].Contains("odd", StringComparison.Ordinal) || DecidedElsewhere.Contains(row["keyword"]))
            {
                continue;
            }

            var tag = ConcreteTag(row["tag"]);
            if (tag.Group is 0x0000 or 0x0002 or 0x0004)
            {
                continue; // command, file meta and directory groups never stay in a data set (own test below)
            }

            var vr = DicomDictionary.Find(tag)?.VR ?? DicomVR.None;
            if (vr == DicomVR.None)
            {
                continue;
            }

            var code = column == "basic" || row[column].Length == 0 ? row["basic"] : row[column];
            var (input, original) = Instance(tag, vr, carrier);
            var result = new Deidentifier(profile, keys).Deidentify(input);
            Assert.Equal(DeidentificationOutcome.Deidentified, result.Outcome);
            checkedRows++;
            foreach (var (where, owner) in Places(result.Dataset!, carrier))
            {
                if (owner is null)
                {
                    failures.Add($"{row["keyword"]} {where}: the carrier sequence is gone");
                    continue;
                }

                var problem = Check(code, owner[tag], original, vr, result.Reidentification!.DateShiftDays);
                if (problem is not null)
                {
                    failures.Add($"{row["keyword"]} {row["tag"]} ({vr}) code {code} {where}: {problem}");
                }
            }
        }

        foreach (var failure in failures.Take(40))
        {
            output.WriteLine(failure);
        }

        Assert.True(checkedRows > 550, $"only {checkedRows} rows were checked");
        Assert.True(failures.Count == 0, $"{failures.Count} rows got the wrong action, first: {failures.FirstOrDefault()}");
    }

    private static DeidentificationProfile ProfileFor(string column)
    {
        var options = new HashSet<DeidentificationOption>();
        var option = column switch
        {
            "basic" => (DeidentificationOption?)null,
            "rtn_safe_priv" => DeidentificationOption.RetainSafePrivate,
            "rtn_uids" => DeidentificationOption.RetainUids,
            "rtn_dev_id" => DeidentificationOption.RetainDeviceIdentity,
            "rtn_inst_id" => DeidentificationOption.RetainInstitutionIdentity,
            "rtn_pat_chars" => DeidentificationOption.RetainPatientCharacteristics,
            "rtn_long_full_dates" => DeidentificationOption.RetainLongitudinalTemporalInformationFullDates,
            "rtn_long_modif_dates" => DeidentificationOption.RetainLongitudinalTemporalInformationModifiedDates,
            "clean_desc" => DeidentificationOption.CleanDescriptors,
            "clean_struct_cont" => DeidentificationOption.CleanStructuredContent,
            _ => throw new ArgumentException(column),
        };
        if (option is { } o)
        {
            options.Add(o);
        }

        return new DeidentificationProfile { Name = column, Options = options };
    }

    /// <summary>(60xx,3000) → (6000,3000); (50xx,xxxx) → (5000,0005).</summary>
    private static DicomTag ConcreteTag(string pattern)
    {
        var hex = pattern.Trim('(', ')').Replace(",", string.Empty, StringComparison.Ordinal);
        if (hex == "50xxxxxx")
        {
            return new DicomTag(0x50000005u);
        }

        return new DicomTag(uint.Parse(hex.Replace('x', '0'), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    /// <summary>A minimal valid instance with the attribute at the top level and in carrier[0]/carrier[0]/carrier[0].</summary>
    private static (DicomDataset Instance, DicomItem Original) Instance(DicomTag tag, DicomVR vr, DicomTag carrier)
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.2");
        ds.SetString(DicomTags.SOPInstanceUID, "1.2.826.0.1.3680043.9.7433.1.1");
        ds.SetString(DicomTags.StudyInstanceUID, "1.2.826.0.1.3680043.9.7433.1.2");
        ds.SetString(DicomTags.SeriesInstanceUID, "1.2.826.0.1.3680043.9.7433.1.3");
        ds.SetString(DicomTags.PatientID, "PID-1");
        var original = ValueFor(tag, vr);
        ds.Set(original);
        var level3 = new DicomDataset();
        level3.Set(ValueFor(tag, vr));
        var level2 = new DicomDataset();
        level2.SetSequence(carrier, level3);
        var level1 = new DicomDataset();
        level1.SetSequence(carrier, level2);
        ds.SetSequence(carrier, level1);
        return (ds, original);
    }

    private static IEnumerable<(string Where, DicomDataset? Owner)> Places(DicomDataset output, DicomTag carrier)
    {
        yield return ("at the top level", output);
        DicomDataset? current = output;
        for (var depth = 1; depth <= 3; depth++)
        {
            current = current?.GetSequence(carrier) is { Items.Count: > 0 } s ? s.Items[0] : null;
        }

        yield return ("three levels deep", current);
    }

    private static DicomItem ValueFor(DicomTag tag, DicomVR vr)
    {
        if (vr == DicomVR.SQ)
        {
            var item = new DicomDataset();
            item.SetString(DicomTags.CodeValue, "T-1234", DicomVR.SH);
            return new DicomSequence(tag, [item]);
        }

        var text = vr switch
        {
            DicomVR.DA => "20200102",
            DicomVR.TM => "101112",
            DicomVR.DT => "20200102101112",
            DicomVR.UI => "1.2.826.0.1.3680043.9.7433.2." + tag.Value.ToString(CultureInfo.InvariantCulture),
            DicomVR.AS => "045Y",
            DicomVR.CS => "ABC",
            DicomVR.DS => "1.5",
            DicomVR.IS => "7",
            DicomVR.AE => "SOMEAE",
            DicomVR.UR => "http://example.org/x",
            _ when DicomVRInfo.IsString(vr) => "VALUE",
            _ => null,
        };
        var element = new DicomDataset();
        if (text is not null)
        {
            element.SetString(tag, text, vr);
        }
        else
        {
            element.Set(new DicomElement(tag, vr, vr == DicomVR.AT ? new byte[] { 0x10, 0, 0x10, 0 } : Enumerable.Range(1, 8).Select(i => (byte)i).ToArray()));
        }

        return element[tag]!;
    }

    private static string? Check(string code, DicomItem? result, DicomItem original, DicomVR vr, int shiftDays)
    {
        var last = code.Split('/')[^1];
        switch (last)
        {
            case "X":
                return result is null ? null : "expected removed";
            case "Z":
                if (result is DicomSequence zs)
                {
                    return zs.Items.Count == 0 ? null : "expected a sequence without items";
                }

                return result is DicomElement { Value.Length: 0 } ? null : "expected an empty value";
            case "K" or "U*":
                return SameAsOriginal(result, original) ? null : "expected kept";
            case "D":
                if (result is null)
                {
                    return "expected a dummy value, it was removed";
                }

                if (vr == DicomVR.UI)
                {
                    return UidOf(result) == ExpectedUid(UidOf(original)) ? null : "expected the keyed replacement UID";
                }

                return result is DicomSequence || (result is DicomElement { Value.Length: > 0 } && !SameAsOriginal(result, original)) ? null : "expected a non-empty dummy";
            case "U":
                return result is not null && UidOf(result) == ExpectedUid(UidOf(original)) ? null : $"expected the keyed replacement UID, got {(result is null ? "nothing" : UidOf(result))}";
            case "C":
                return CheckClean(result, original, vr, shiftDays);
            default:
                return "unknown code " + code;
        }
    }

    private static string? CheckClean(DicomItem? result, DicomItem original, DicomVR vr, int shiftDays)
    {
        if (result is null)
        {
            return "expected a cleaned value, it was removed";
        }

        var value = TextOf(result);
        return vr switch
        {
            DicomVR.DA => shiftDays < 0 && value == DateOnly.ParseExact("20200102", "yyyyMMdd", CultureInfo.InvariantCulture).AddDays(shiftDays).ToString("yyyyMMdd", CultureInfo.InvariantCulture)
                ? null : $"expected the date shifted by {shiftDays} days, got {value}",
            DicomVR.DT => value == DateOnly.ParseExact("20200102", "yyyyMMdd", CultureInfo.InvariantCulture).AddDays(shiftDays).ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "101112"
                ? null : $"expected the date-time shifted by {shiftDays} days, got {value}",
            DicomVR.AE => value.StartsWith('D') && value != TextOf(original) ? null : "expected a device pseudonym",
            DicomVR.UI => value == ExpectedUid(UidOf(original)) ? null : "expected the keyed replacement UID",
            // Kept, or (for attributes that are themselves identifying, e.g. Occupation) scrubbed whole.
            _ => result is DicomSequence || SameAsOriginal(result, original) || (value.Length > 0 && value.All(c => c == '*'))
                ? null : "expected the value kept or scrubbed whole",
        };
    }

    private static bool SameAsOriginal(DicomItem? result, DicomItem original) => (result, original) switch
    {
        (DicomElement a, DicomElement b) => a.VR == b.VR && a.Value.GetMemory().Span.SequenceEqual(b.Value.GetMemory().Span),
        (DicomSequence a, DicomSequence b) => a.Items.Count == b.Items.Count,
        _ => false,
    };

    private static string TextOf(DicomItem item) => item is DicomElement e ? Encoding.ASCII.GetString(e.Value.GetMemory().Span).TrimEnd('\0', ' ') : string.Empty;

    private static string UidOf(DicomItem item) => TextOf(item);

    /// <summary>The issue's definition, computed here independently: "2.25." + decimal of 128 bits of HMAC-SHA256(key, label + uid).</summary>
    internal static string ExpectedUid(string uid)
    {
        var hash = HMACSHA256.HashData(PseudonymKey, Encoding.UTF8.GetBytes("uid\0" + uid));
        return "2.25." + new BigInteger(hash.AsSpan(0, 16), isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
    }
}
