namespace Telerad.Deidentification;

/// <summary>A CID 7050 code: value, coding scheme designator, meaning.</summary>
internal sealed record MethodCode(string Value, string Scheme, string Meaning);

/// <summary>CID 7050 codes for the De-identification Method Code Sequence (0012,0064), per profile option.
/// Read once per de-identifier (its marks are built once), so the table is not kept.</summary>
internal static class DeidentificationMethodCodes
{
    public const string FileName = "cid7050-deid-method-codes.csv";

    /// <summary>The Basic profile code then one code per option in the profile, in the table's order.</summary>
    public static IReadOnlyList<MethodCode> For(DeidentificationProfile profile)
    {
        var codes = new List<MethodCode>();
        foreach (var row in CsvTable.ReadEmbedded(FileName))
        {
            var column = row["table_e1_1_column"];
            if (column == "basic"
                || (ConfidentialityProfileTable.TryGetOption(column, out var option) && profile.Has(option)))
            {
                codes.Add(new MethodCode(row["code_value"], row["coding_scheme"], row["code_meaning"]));
            }
        }

        return codes;
    }
}
