using System.Globalization;
using System.Text.RegularExpressions;

namespace Telerad.Dicom.Tests;

/// <summary>One line of `dcmdump -q +L -Un` output: what dcmtk read, independently of us.</summary>
public sealed record DcmdumpLine(int Depth, DicomTag Tag, string VR, string Value, long Length, int Multiplicity, string Keyword, int LineNumber);

/// <summary>Runs dcmtk's dcmdump and parses its listing into lines (delimiters dropped).</summary>
public static partial class DcmdumpListing
{
    [GeneratedRegex(@"^(?<indent> *)\((?<g>[0-9a-fA-F]{4}),(?<e>[0-9a-fA-F]{4})\) (?<vr>\S\S) (?<value>.*?) *# *(?<len>\d+|u/l), *(?<vm>\d+) (?<kw>[^\n]*)$", RegexOptions.Singleline)]
    private static partial Regex LinePattern();

    [GeneratedRegex(@"^ *\([0-9a-fA-F]{4},[0-9a-fA-F]{4}\) ")]
    private static partial Regex RecordStart();
    public sealed record Listing(IReadOnlyList<DcmdumpLine> Meta, IReadOnlyList<DcmdumpLine> Dataset, string Errors, int ExitCode);

    public static Listing Read(string path, params string[] extraOptions)
    {
        ExternalTool.Require("dcmdump");
        var result = ExternalTool.Run("dcmdump", ["-q", "+L", "-Un", .. extraOptions, path]);
        var meta = new List<DcmdumpLine>();
        var dataset = new List<DcmdumpLine>();
        var current = dataset;
        var number = 0;
        var records = new List<(string Text, int Line, List<DcmdumpLine> Target)>();
        var pending = new System.Text.StringBuilder();
        var pendingLine = 0;
        List<DcmdumpLine>? pendingTarget = null;
        void Flush()
        {
            if (pendingTarget is not null)
            {
                records.Add((pending.ToString(), pendingLine, pendingTarget));
            }

            pending.Clear();
            pendingTarget = null;
        }

        // dcmdump prints values raw, so a value with CR/LF continues on the next lines: join them.
        foreach (var line in result.StandardOutput.Split('\n'))
        {
            number++;
            if (line.StartsWith("# Dicom-Meta-Information-Header", StringComparison.Ordinal))
            {
                Flush();
                current = meta;
                continue;
            }

            if (line.StartsWith("# Dicom-Data-Set", StringComparison.Ordinal))
            {
                Flush();
                current = dataset;
                continue;
            }

            if (RecordStart().IsMatch(line))
            {
                Flush();
                pending.Append(line);
                pendingLine = number;
                pendingTarget = current;
            }
            else if (pendingTarget is not null && line.Length > 0 && !line.TrimStart().StartsWith('#'))
            {
                pending.Append('\n').Append(line);
            }
            else
            {
                Flush();
            }
        }

        Flush();
        foreach (var (text, lineNumber, target) in records)
        {
            var match = LinePattern().Match(text.TrimEnd('\r'));
            if (!match.Success)
            {
                throw new InvalidOperationException($"Cannot parse dcmdump line {lineNumber}: {text}");
            }

            var tag = new DicomTag(
                ushort.Parse(match.Groups["g"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                ushort.Parse(match.Groups["e"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            if (tag == DicomTag.ItemDelimitation || tag == DicomTag.SequenceDelimitation)
            {
                continue;
            }

            var length = match.Groups["len"].Value == "u/l" ? -1 : long.Parse(match.Groups["len"].Value, CultureInfo.InvariantCulture);
            target.Add(new DcmdumpLine(
                match.Groups["indent"].Value.Length / 2,
                tag,
                match.Groups["vr"].Value,
                match.Groups["value"].Value,
                length,
                int.Parse(match.Groups["vm"].Value, CultureInfo.InvariantCulture),
                match.Groups["kw"].Value,
                lineNumber));
        }

        return new Listing(meta, dataset, result.StandardError, result.ExitCode);
    }
}
