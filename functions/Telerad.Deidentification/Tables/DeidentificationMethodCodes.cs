namespace Telerad.Deidentification;

/// <summary>CID 7050 codes for the De-identification Method Code Sequence (0012,0064), per profile option.</summary>
internal static class DeidentificationMethodCodes
{
    public const string FileName = "cid7050-deid-method-codes.csv";

    private static readonly Lazy<List<(string Value, string Scheme, string Meaning, string Column)>> Rows = new(() =>
        [.. CsvTable.ReadEmbedded(FileName).Select(r => (r["code_value"], r["coding_scheme"], r["code_meaning"], r["table_e1_1_column"]))]);

    /// <summary>The Basic profile code then one code per option in the profile, in the table's order.</summary>
    public static IReadOnlyList<(string Value, string Scheme, string Meaning)> For(DeidentificationProfile profile)
    {
        var codes = new List<(string, string, string)>();
        foreach (var (value, scheme, meaning, column) in Rows.Value)
        {
            if (column == "basic"
                || (ConfidentialityProfileTable.Columns.TryGetValue(column, out var option) && profile.Has(option)))
            {
                codes.Add((value, scheme, meaning));
            }
        }

        return codes;
    }
}
