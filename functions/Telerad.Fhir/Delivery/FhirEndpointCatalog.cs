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
            if (errors.Count > 0)
            {
                // Validate what could be read too, so the operator sees all problems in one pass.
                try
                {
                    Create(endpoints);
                }
                catch (FhirEndpointConfigurationException e)
                {
                    errors.AddRange(e.Errors.Where(v => !errors.Any(r => r.Path == v.Path)));
                }

                throw new FhirEndpointConfigurationException(errors);
            }

            return Create(endpoints);
        }
    }

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
        return id is null || baseUrl is null || authentication is null ? null : new FhirEndpoint(id, baseUrl, authentication);
    }

    private static EndpointAuthentication? ReadAuthentication(Reader auth)
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
                ClientAssertionAlgorithm? parsed = algorithm switch
                {
                    "RS384" => ClientAssertionAlgorithm.RS384,
                    "ES384" => ClientAssertionAlgorithm.ES384,
                    null => null,
                    _ => auth.Invalid("algorithm", $"the algorithm must be RS384 or ES384 (the two SMART servers must support), not '{algorithm}'"),
                };
                return tokenUrl is null || clientId is null || keyId is null || signingKey is null || parsed is null || scope is null
                    ? null
                    : new SmartBackendServicesAuthentication(tokenUrl, clientId, keyId, signingKey, parsed.Value, scope);
            }

            case ClientCredentialsAuthentication.KindName:
            {
                var tokenUrl = auth.Url("tokenUrl");
                var clientId = auth.String("clientId");
                var secret = auth.String("secret");
                var scope = auth.String("scope");
                return tokenUrl is null || clientId is null || secret is null || scope is null
                    ? null
                    : new ClientCredentialsAuthentication(tokenUrl, clientId, secret, scope);
            }

            case ManagedIdentityAuthentication.KindName:
                return auth.String("scope") is { } miScope ? new ManagedIdentityAuthentication(miScope) : null;
            case null:
                return null;
            case var other:
                auth.Report("kind", Codes.UnknownKind, $"unknown kind '{other}': use none, smart-backend-services, client-credentials or managed-identity");
                return null;
        }
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

        public ClientAssertionAlgorithm? Invalid(string field, string message)
        {
            Report(field, Codes.InvalidValue, message);
            return null;
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
