namespace Telerad.Deidentification;

/// <summary>One row of PS3.15 Table E.3.4-1: a concept name (code, scheme, value type) and its actions.</summary>
internal sealed record StructuredContentRow(string CodeValue, string CodingScheme, string ValueType, string Basic, OptionCodes OptionCodes);

/// <summary>
/// PS3.15 Table E.3.4-1 (Clean Structured Content option): SR content items are judged by their concept
/// name, matched on code value, coding scheme designator and value type.
/// </summary>
internal sealed class StructuredContentTable
{
    public const string FileName = "ps3.15-table-e3.4-1-clean-structured-content.csv";

    private static readonly Lazy<StructuredContentTable> Shared = new(() => new StructuredContentTable(CsvTable.ReadEmbedded(FileName)));

    private readonly Dictionary<(string, string, string), StructuredContentRow> _rows = [];

    public StructuredContentTable(IEnumerable<Dictionary<string, string>> rows)
    {
        foreach (var row in rows)
        {
            var options = OptionCodes.FromRow(row);
            var entry = new StructuredContentRow(row["code_value"], row["coding_scheme"], row["value_type"], row["basic"], options);
            _rows[(entry.CodeValue, entry.CodingScheme, entry.ValueType)] = entry;
        }
    }

    public static StructuredContentTable Standard => Shared.Value;

    public int Count => _rows.Count;

    public StructuredContentRow? Find(string codeValue, string codingScheme, string valueType) =>
        _rows.GetValueOrDefault((codeValue, codingScheme, valueType));
}
