using System.Text.RegularExpressions;

namespace Telerad.Dicom.Tests;

/// <summary>dicom3tools' IOD validator: the set of errors it reports for a file, normalised for comparison.</summary>
public static partial class Dciodvfy
{
    [GeneratedRegex(@"^Error - ")]
    private static partial Regex ErrorLine();

    public static HashSet<string> Errors(string path)
    {
        ExternalTool.Require("dciodvfy");
        var result = ExternalTool.Run("dciodvfy", ["-new", path]);
        var lines = (result.StandardError + "\n" + result.StandardOutput).Split('\n');
        return lines.Select(l => l.Trim()).Where(l => ErrorLine().IsMatch(l)).ToHashSet(StringComparer.Ordinal);
    }
}
