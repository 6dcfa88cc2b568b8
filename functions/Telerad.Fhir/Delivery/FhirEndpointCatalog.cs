using System.Globalization;
using System.Text.Json;
using Telerad.Fhir.Auth;
using Codes = Telerad.Fhir.Delivery.EndpointConfigurationErrorCodes;

namespace Telerad.Fhir.Delivery;

/// <summary>
/// The validated FHIR endpoints, by id. Loaded from JSON (docs/results-delivery.md) with every problem reported at once
/// by JSON path and code: a misspelt field, an http URL to a hospital, a scope the EHR would refuse, all before the
/// first report is sent rather than at 3 a.m. with a critical result waiting.
/// </summary>
public sealed class FhirEndpointCatalog
{
    private static readonly JsonDocumentOptions JsonOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    private readonly Dictionary<string, FhirEndpoint> _endpoints;

    private FhirEndpointCatalog(Dictionary<string, FhirEndpoint> endpoints) => _endpoints = endpoints;

    public IReadOnlyCollection<FhirEndpoint> Endpoints => _endpoints.Values;

    /// <summary>The endpoint with this id; <see cref="KeyNotFoundException"/> names the id when there is none.</summary>
    public FhirEndpoint Get(string endpointId) =>
        _endpoints.TryGetValue(endpointId, out var endpoint) ? endpoint : throw new KeyNotFoundException($"No FHIR endpoint '{endpointId}' is configured.");

    public bool TryGet(string endpointId, out FhirEndpoint? endpoint) => _endpoints.TryGetValue(endpointId, out endpoint);

    /// <summary>Validates endpoints built in code; throws <see cref="FhirEndpointConfigurationException"/> listing every problem.</summary>
    public static FhirEndpointCatalog Create(IEnumerable<FhirEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var errors = new List<EndpointConfigurationError>();
        var byId = new Dictionary<string, FhirEndpoint>(StringComparer.Ordinal);
        var index = 0;
        foreach (var endpoint in endpoints)
        {
            var path = $"$.endpoints[{index.ToString(CultureInfo.InvariantCulture)}]";
            errors.AddRange(FhirEndpointValidator.Validate(endpoint, path));
            if (!string.IsNullOrEmpty(endpoint.EndpointId) && !byId.TryAdd(endpoint.EndpointId, endpoint))
            {
                errors.Add(new EndpointConfigurationError($"{path}.id", Codes.DuplicateId, $"the endpoint id '{endpoint.EndpointId}' is used more than once"));
            }

            index++;
        }

        return errors.Count == 0 ? new FhirEndpointCatalog(byId) : throw new FhirEndpointConfigurationException(errors);
    }

    /// <summary>Parses and validates; throws <see cref="FhirEndpointConfigurationException"/> listing every problem.</summary>
    public static FhirEndpointCatalog Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, JsonOptions);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {(line + 1).ToString(CultureInfo.InvariantCulture)}" : string.Empty;
            throw new FhirEndpointConfigurationException([new EndpointConfigurationError("$", Codes.InvalidJson, $"the configuration is not valid JSON{where}")]);
        }

        using (document)
        {
            var errors = new List<EndpointConfigurationError>();
            var endpoints = new List<FhirEndpoint>();
            var root = new Reader(document.RootElement, "$", errors);
            if (root.Open() && root.Array("endpoints") is { } array)
            {
                var index = 0;
                foreach (var item in array.EnumerateArray())
                {
                    if (ReadEndpoint(new Reader(item, $"$.endpoints[{index.ToString(CultureInfo.InvariantCulture)}]", errors)) is { } endpoint)
                    {
                        endpoints.Add(endpoint);
                    }

                    index++;
                }
            }

            root.Finish();
            if (errors.Count == 0)
            {
                return Create(endpoints);
            }

            // Apply the rules to what could be read too (the reader left nulls where it could not), so the operator
            // sees every problem in one pass; a path already reported is not reported twice.
            try
            {
                Create(endpoints);
            }
            catch (FhirEndpointConfigurationException e)
            {
                errors.AddRange(e.Errors.Where(v => !errors.Any(r => r.Path == v.Path)));
            }

            throw new FhirEndpointConfigurationException([.. errors.OrderBy(e => EndpointIndex(e.Path))]);
        }
    }

    /// <summary>The n of <c>$.endpoints[n]...</c>, so problems are listed endpoint by endpoint (-1 for the document itself).</summary>
    private static int EndpointIndex(string path)
    {
        const string Prefix = "$.endpoints[";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return -1;
        }

        var end = path.IndexOf(']', Prefix.Length);
        return int.TryParse(path.AsSpan(Prefix.Length, end - Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : -1;
    }

    /// <summary>The endpoint as far as it could be read: fields that could not be read are null, for the rules to skip.</summary>
    private static FhirEndpoint? ReadEndpoint(Reader reader)
    {
        if (!reader.Open())
        {
            return null;
        }

        var id = reader.String("id");
        var baseUrl = reader.Url("baseUrl");
        EndpointAuthentication? authentication = null;
        if (reader.Child("auth") is { } auth && auth.Open())
        {
            authentication = ReadAuthentication(auth);
            auth.Finish();
        }

        reader.Finish();
        return new FhirEndpoint(id!, baseUrl!, authentication!);
    }

    private static EndpointAuthentication ReadAuthentication(Reader auth)
    {
        switch (auth.String("kind"))
        {
            case NoAuthentication.KindName:
                return NoAuthentication.Instance;
            case SmartBackendServicesAuthentication.KindName:
            {
                var tokenUrl = auth.Url("tokenUrl");
                var clientId = auth.String("clientId");
                var keyId = auth.String("keyId");
                var signingKey = auth.String("signingKey");
                var algorithm = auth.String("algorithm");
                var scope = auth.String("scope");
                var parsed = algorithm switch
                {
                    "RS384" => ClientAssertionAlgorithm.RS384,
                    "ES384" => ClientAssertionAlgorithm.ES384,
                    null => Unreadable,
                    _ => auth.Invalid("algorithm", $"the algorithm must be RS384 or ES384 (the two SMART servers must support), not '{algorithm}'"),
                };
                return new SmartBackendServicesAuthentication(tokenUrl!, clientId!, keyId!, signingKey!, parsed, scope!);
            }

            case ClientCredentialsAuthentication.KindName:
            {
                var tokenUrl = auth.Url("tokenUrl");
                var clientId = auth.String("clientId");
                var secret = auth.String("secret");
                var scope = auth.String("scope");
                return new ClientCredentialsAuthentication(tokenUrl!, clientId!, secret!, scope!);
            }

            case ManagedIdentityAuthentication.KindName:
                return new ManagedIdentityAuthentication(auth.String("scope")!);
            case null:
                return new UnreadableAuthentication(string.Empty);
            case var other:
                auth.Report("kind", Codes.UnknownKind, $"unknown kind '{other}': use none, smart-backend-services, client-credentials or managed-identity");
                return new UnreadableAuthentication(other);
        }
    }

    /// <summary>Stands for an algorithm that could not be read (already reported; the rules report it again at the same path, which is dropped).</summary>
    private const ClientAssertionAlgorithm Unreadable = (ClientAssertionAlgorithm)(-1);

    /// <summary>An auth object whose kind could not be read (already reported).</summary>
    private sealed record UnreadableAuthentication(string KindText) : EndpointAuthentication
    {
        public override string Kind => KindText;
    }

    /// <summary>Reads one JSON object's properties, reporting (not throwing) missing, mistyped and unknown fields.</summary>
    private sealed class Reader(JsonElement element, string path, List<EndpointConfigurationError> errors)
    {
        private readonly HashSet<string> _read = new(StringComparer.Ordinal);
        private bool _isObject;

        public bool Open()
        {
            _isObject = element.ValueKind == JsonValueKind.Object;
            if (!_isObject)
            {
                errors.Add(new EndpointConfigurationError(path, Codes.WrongType, $"expected an object, found {element.ValueKind.ToString().ToLowerInvariant()}"));
            }

            return _isObject;
        }

        public void Report(string field, string code, string message) => errors.Add(new EndpointConfigurationError($"{path}.{field}", code, message));

        public ClientAssertionAlgorithm Invalid(string field, string message)
        {
            Report(field, Codes.InvalidValue, message);
            return Unreadable;
        }

        public string? String(string field)
        {
            if (Property(field) is not { } value)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            {
                Report(field, Codes.WrongType, $"'{field}' must be a non-empty string");
                return null;
            }

            return value.GetString();
        }

        public Uri? Url(string field)
        {
            var text = String(field);
            if (text is null)
            {
                return null;
            }

            if (!Uri.TryCreate(text, UriKind.Absolute, out var url))
            {
                Report(field, Codes.InvalidUrl, $"'{field}' must be an absolute URL");
                return null;
            }

            return url;
        }

        public JsonElement? Array(string field)
        {
            if (Property(field) is not { } value)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                Report(field, Codes.WrongType, $"'{field}' must be an array");
                return null;
            }

            return value;
        }

        public Reader? Child(string field) => Property(field) is { } value ? new Reader(value, $"{path}.{field}", errors) : null;

        /// <summary>Reports the fields nobody read: a misspelt name in configuration is a mistake worth stopping for.</summary>
        public void Finish()
        {
            if (!_isObject)
            {
                return;
            }

            foreach (var property in element.EnumerateObject().Where(p => !_read.Contains(p.Name)))
            {
                Report(property.Name, Codes.UnknownField, $"unknown field '{property.Name}'");
            }
        }

        private JsonElement? Property(string field)
        {
            _read.Add(field);
            if (_isObject && element.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return value;
            }

            Report(field, Codes.MissingField, $"'{field}' is required");
            return null;
        }
    }
}
