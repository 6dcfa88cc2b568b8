using System.Text.RegularExpressions;

namespace Telerad.Dicom.Tests;

/// <summary>dicom3tools' IOD validator: the set of errors it reports for a file, normalised for comparison.</summary>
public static partial class Dciodvfy
{
    [GeneratedRegex(@"^Error - ")]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"= <[^>]*>")]
    private static partial Regex QuotedValue();

    public static HashSet<string> Errors(string path)
    {
        ExternalTool.Require("dciodvfy");
        var result = ExternalTool.Run("dciodvfy", ["-new", path]);
        var lines = (result.StandardError + "\n" + result.StandardOutput).Split('\n');
        // Values in messages ("= <1.2.3>") differ whenever UIDs are replaced; compare the findings, not the values.
        return lines.Select(l => l.Trim()).Where(l => ErrorLine().IsMatch(l)).Select(l => QuotedValue().Replace(l, "= <>")).ToHashSet(StringComparer.Ordinal);
    }
}
