using System.Globalization;
using System.Text;

namespace Telerad.Dicom;

/// <summary>
/// A path to an element at any depth: tags separated by '/' or '.', each sequence step with an item
/// index or [*] for every item, e.g. "ReferencedSeriesSequence[0]/SeriesInstanceUID",
/// "(0008,1115)[*]/(0020,000E)" or "0040A730[*].0040A730[*].0040A160". Keywords and hex tags mix freely.
/// </summary>
public sealed class DicomPath : IEquatable<DicomPath>
{
    /// <summary>Item index meaning "every item".</summary>
    public const int AllItems = -1;

    private readonly (DicomTag Tag, int Item)[] _steps;

    public DicomPath(params IEnumerable<(DicomTag Tag, int Item)> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _steps = [.. steps];
        if (_steps.Length == 0)
        {
            throw new ArgumentException("A path needs at least one tag.", nameof(steps));
        }
    }

    public DicomPath(DicomTag tag)
        : this([(tag, 0)])
    {
    }

    /// <summary>The sequence steps then the final element; the item index of the last step is ignored.</summary>
    public IReadOnlyList<(DicomTag Tag, int Item)> Steps => _steps;

    public DicomTag Leaf => _steps[^1].Tag;

    public int Depth => _steps.Length - 1;

    /// <summary>Appends a step: this path's leaf becomes a sequence step into <paramref name="item"/>.</summary>
    public DicomPath Then(int item, DicomTag tag)
    {
        var steps = (((DicomTag, int)[])_steps.Clone()).ToList();
        steps[^1] = (steps[^1].Item1, item);
        steps.Add((tag, 0));
        return new DicomPath(steps);
    }

    public static DicomPath Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var steps = new List<(DicomTag, int)>();
        var parts = SplitSteps(text);
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            var item = 0;
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0)
            {
                if (!part.EndsWith(']'))
                {
                    throw new FormatException($"'{text}': unclosed item index in '{part}'.");
                }

                var index = part[(bracket + 1)..^1];
                item = index == "*" ? AllItems
                    : int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                    : throw new FormatException($"'{text}': '{index}' is not an item index.");
                part = part[..bracket];
            }
            else if (i < parts.Count - 1)
            {
                item = 0; // "Sequence/Element" means the first item
            }

            if (!DicomTag.TryParse(part, out var tag))
            {
                throw new FormatException($"'{text}': '{part}' is not a tag or keyword.");
            }

            steps.Add((tag, item));
        }

        return new DicomPath(steps);
    }

    /// <summary>Splits at '/' and at '.' outside parentheses ("(0008,1115)" has a comma, not a dot).</summary>
    private static List<string> SplitSteps(string text)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var depth = 0;
        foreach (var c in text.Trim())
        {
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
            }

            if ((c == '/' || c == '.') && depth == 0)
            {
                parts.Add(current.ToString().Trim());
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        parts.Add(current.ToString().Trim());
        if (parts.Any(p => p.Length == 0))
        {
            throw new FormatException($"'{text}' has an empty step.");
        }

        return parts;
    }

    /// <summary>"(0008,1115)[0]/(0020,000E)".</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < _steps.Length; i++)
        {
            if (i > 0)
            {
                sb.Append('/');
            }

            sb.Append(_steps[i].Tag.ToString());
            if (i < _steps.Length - 1)
            {
                sb.Append('[').Append(_steps[i].Item == AllItems ? "*" : _steps[i].Item.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
        }

        return sb.ToString();
    }

    public bool Equals(DicomPath? other) => other is not null && ToString() == other.ToString();

    public override bool Equals(object? obj) => obj is DicomPath other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());
}
