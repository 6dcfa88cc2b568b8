namespace Telerad.Reading.Configuration.Json;

/// <summary>Collects every configuration problem while the documents are read, so the operator sees them all at once.</summary>
internal sealed class Problems
{
    private readonly List<ConfigurationError> _errors = [];

    public IReadOnlyList<ConfigurationError> Errors => _errors;

    public int Count => _errors.Count;

    public void Add(string document, string path, string code, string message) =>
        _errors.Add(new ConfigurationError(document, path, code, message));
}

/// <summary>Where a value sits: the document and the JSON path inside it.</summary>
internal readonly record struct Location(string Document, string Path)
{
    public Location Property(string name) => this with { Path = Path + "." + name };

    public Location Index(int index) => this with { Path = Path + "[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]" };
}
