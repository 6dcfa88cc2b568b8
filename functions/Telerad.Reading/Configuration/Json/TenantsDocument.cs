using System.Text.Json;

namespace Telerad.Reading.Configuration.Json;

/// <summary><c>tenants.json</c>: tenants with their contract, escalation chains, facilities and referrers.</summary>
internal static class TenantsDocument
{
    public static readonly TimeSpan DefaultReminderInterval = TimeSpan.FromMinutes(15);
    public const int DefaultMaxSilentReminders = 2;
    public const double DefaultSlaWarningFraction = 0.75;

    public static IReadOnlyList<TenantConfiguration>? Read(JsonElement root, string document, Problems problems, KnownIds known)
    {
        var reader = ObjectReader.Open(root, new Location(document, "$"), problems);
        if (reader is null)
        {
            return null;
        }
        var scope = new Scope(problems, known, new UniqueIds("tenant"), new UniqueIds("facility"), new UniqueIds("referrer"));
        var tenants = reader.Array("tenants", required: true, (element, location) => Tenant(element, location, scope));
        known.TenantsKnown = true;
        reader.Finish();
        return tenants;
    }

    private sealed record Scope(Problems Problems, KnownIds Known, UniqueIds Tenants, UniqueIds Facilities, UniqueIds Referrers);

    private static TenantConfiguration? Tenant(JsonElement element, Location location, Scope scope)
    {
        var reader = ObjectReader.Open(element, location, scope.Problems);
        if (reader is null)
        {
            return null;
        }
        var id = reader.Id("id");
        if (id is not null)
        {
            scope.Tenants.Add(id, location.Property("id"), scope.Problems);
        }
        var displayName = reader.String("displayName", required: true);
        var targets = reader.Object("turnaroundTargets", required: true) is { } t ? TurnaroundTargets(t) : null;
        var (interval, maxSilent) = reader.Object("reminders", required: false) is { } r ? Reminders(r) : (DefaultReminderInterval, DefaultMaxSilentReminders);
        var fraction = WarningFraction(reader);
        var fallback = reader.Boolean("allowGeneralFallback", required: false) ?? false;

        var chainIds = new UniqueIds("escalation chain");
        var chains = reader.Array("escalationChains", required: true, (e, l) => Chain(e, l, scope, chainIds));
        var definedChains = chains?.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var slaChain = ChainReference(reader, "slaEscalationChain", required: true, definedChains);
        var facilities = reader.Array("facilities", required: true, (e, l) => Facility(e, l, scope), "a tenant needs at least one facility");
        var referrers = reader.Array("referrers", required: false, (e, l) => Referrer(e, l, scope, definedChains)) ?? [];
        var criticalResults = reader.Object("criticalResults", required: false) is { } c ? CriticalResults(c) : CriticalResultSettings.Default;
        reader.Finish();

        if (id is null || displayName is null || targets is null || fraction is null || chains is null || slaChain is null || facilities is null)
        {
            return null;
        }
        return new TenantConfiguration
        {
            Id = id,
            DisplayName = displayName,
            TurnaroundTargets = targets,
            ReminderInterval = interval ?? DefaultReminderInterval,
            MaxSilentReminders = maxSilent ?? DefaultMaxSilentReminders,
            SlaWarningFraction = fraction.Value,
            AllowGeneralFallback = fallback,
            EscalationChains = chains,
            SlaEscalationChainId = slaChain,
            Facilities = facilities,
            Referrers = referrers,
            CriticalResults = criticalResults,
        };
    }

    /// <summary>
    /// <c>criticalResults</c>: <c>acknowledgmentTimeouts</c> (<c>red</c>, <c>orange</c>) and <c>aiHeadsUp</c>. Problems are
    /// reported (the configuration then does not load); the defaults stand in so the rest of the tenant is still checked.
    /// </summary>
    private static CriticalResultSettings CriticalResults(ObjectReader reader)
    {
        var settings = CriticalResultSettings.Default;
        if (reader.Object("acknowledgmentTimeouts", required: false) is { } timeouts)
        {
            var red = timeouts.Duration("red", required: false);
            var orange = timeouts.Duration("orange", required: false);
            timeouts.Finish();
            settings = settings with
            {
                RedAcknowledgmentTimeout = red ?? settings.RedAcknowledgmentTimeout,
                OrangeAcknowledgmentTimeout = orange ?? settings.OrangeAcknowledgmentTimeout,
            };
            // Red is the more urgent severity: a longer red timeout is almost certainly a typo (PT6H and PT60M swapped).
            if (settings.RedAcknowledgmentTimeout > settings.OrangeAcknowledgmentTimeout)
            {
                timeouts.Report("red", ConfigurationErrorCodes.InconsistentValue,
                    $"the red timeout ({IsoDuration.Format(settings.RedAcknowledgmentTimeout)}) is longer than the orange timeout ({IsoDuration.Format(settings.OrangeAcknowledgmentTimeout)})");
            }
        }
        var aiHeadsUp = reader.Boolean("aiHeadsUp", required: false) ?? false;
        reader.Finish();
        return settings with { AiHeadsUp = aiHeadsUp };
    }

    private static Dictionary<ReadingPriority, TimeSpan>? TurnaroundTargets(ObjectReader reader)
    {
        var targets = new Dictionary<ReadingPriority, TimeSpan>();
        foreach (var priority in ReadingPriorities.All)
        {
            if (reader.Duration(ReadingPriorities.Name(priority), required: true) is { } target)
            {
                targets[priority] = target;
            }
        }
        reader.Finish();
        if (targets.Count != ReadingPriorities.All.Count)
        {
            return null;
        }
        // A more urgent priority with a longer target is almost certainly a typo (PT4H for STAT, PT1H for ROUTINE).
        for (var i = 1; i < ReadingPriorities.All.Count; i++)
        {
            var urgent = ReadingPriorities.All[i - 1];
            var less = ReadingPriorities.All[i];
            if (targets[urgent] > targets[less])
            {
                reader.Report(ReadingPriorities.Name(urgent), ConfigurationErrorCodes.InconsistentValue,
                    $"the {ReadingPriorities.Name(urgent)} target ({IsoDuration.Format(targets[urgent])}) is longer than the {ReadingPriorities.Name(less)} target ({IsoDuration.Format(targets[less])})");
            }
        }
        return targets;
    }

    private static (TimeSpan? Interval, int? MaxSilent) Reminders(ObjectReader reader)
    {
        var interval = reader.Duration("interval", required: false) ?? DefaultReminderInterval;
        var maxSilent = reader.Count("maxSilentReminders", required: false) ?? DefaultMaxSilentReminders;
        reader.Finish();
        return (interval, maxSilent);
    }

    private static double? WarningFraction(ObjectReader reader)
    {
        if (reader.Property("slaWarningFraction", required: false) is not { } value)
        {
            return DefaultSlaWarningFraction;
        }
        if (value.ValueKind != JsonValueKind.Number)
        {
            reader.Report("slaWarningFraction", ConfigurationErrorCodes.WrongType, $"'slaWarningFraction' must be a number, found {ObjectReader.Describe(value)}");
            return null;
        }
        var fraction = value.GetDouble();
        if (!(fraction > 0 && fraction < 1))
        {
            reader.Report("slaWarningFraction", ConfigurationErrorCodes.InvalidValue, $"'slaWarningFraction' must be between 0 and 1 exclusive (found {value.GetRawText()})");
            return null;
        }
        return fraction;
    }

    private static EscalationChain? Chain(JsonElement element, Location location, Scope scope, UniqueIds chainIds)
    {
        var reader = ObjectReader.Open(element, location, scope.Problems);
        if (reader is null)
        {
            return null;
        }
        var id = reader.Id("id");
        if (id is not null)
        {
            chainIds.Add(id, location.Property("id"), scope.Problems);
        }
        var steps = reader.Array("steps", required: true, (e, l) => Step(e, l, scope), "an escalation chain needs at least one step");
        for (var i = 1; steps is not null && i < steps.Count; i++)
        {
            if (steps[i].After < steps[i - 1].After)
            {
                scope.Problems.Add(location.Document, location.Property("steps").Index(i).Property("after").Path, ConfigurationErrorCodes.InconsistentValue,
                    "escalation steps must be in time order: this step comes before the one above it");
            }
        }
        reader.Finish();
        return id is null || steps is null ? null : new EscalationChain { Id = id, Steps = steps };
    }

    private static EscalationStep? Step(JsonElement element, Location location, Scope scope)
    {
        var reader = ObjectReader.Open(element, location, scope.Problems);
        if (reader is null)
        {
            return null;
        }
        var contact = reader.Id("contact");
        if (contact is not null && scope.Known.ContactsKnown && !scope.Known.Contacts.Contains(contact))
        {
            reader.Report("contact", ConfigurationErrorCodes.UnknownReference, $"contact '{contact}' is not a contact of operations.json");
            contact = null;
        }
        var after = reader.Duration("after", required: false, allowZero: true) ?? TimeSpan.Zero;
        reader.Finish();
        return contact is null ? null : new EscalationStep(contact, after);
    }

    private static string? ChainReference(ObjectReader reader, string name, bool required, HashSet<string>? definedChains)
    {
        var id = reader.Id(name, required);
        if (id is not null && definedChains is not null && !definedChains.Contains(id))
        {
            reader.Report(name, ConfigurationErrorCodes.UnknownReference, $"escalation chain '{id}' is not one of this tenant's escalationChains");
            return null;
        }
        return id;
    }

    private static FacilityConfiguration? Facility(JsonElement element, Location location, Scope scope)
    {
        var reader = ObjectReader.Open(element, location, scope.Problems);
        if (reader is null)
        {
            return null;
        }
        var id = reader.Id("id");
        if (id is not null)
        {
            scope.Known.Facilities.Add(id);
            scope.Facilities.Add(id, location.Property("id"), scope.Problems);
        }
        var displayName = reader.String("displayName", required: true);
        var jurisdiction = Jurisdiction(reader, "jurisdiction");
        reader.Finish();
        return id is null || displayName is null || jurisdiction is null
            ? null
            : new FacilityConfiguration { Id = id, DisplayName = displayName, Jurisdiction = jurisdiction };
    }

    private static ReferrerConfiguration? Referrer(JsonElement element, Location location, Scope scope, HashSet<string>? definedChains)
    {
        var reader = ObjectReader.Open(element, location, scope.Problems);
        if (reader is null)
        {
            return null;
        }
        var id = reader.Id("id");
        if (id is not null)
        {
            scope.Known.Referrers.Add(id);
            scope.Referrers.Add(id, location.Property("id"), scope.Problems);
        }
        var displayName = reader.String("displayName", required: true);
        var endpoint = reader.Id("fhirEndpointId");
        var contactIds = new UniqueIds("critical-result contact");
        var contacts = reader.Array("criticalResultContacts", required: true, (e, l) => CriticalContact(e, l, scope, contactIds),
            "a referrer needs at least one critical-result contact (ACR: critical results are communicated to a person)");
        var chain = ChainReference(reader, "criticalResultEscalationChain", required: false, definedChains);
        reader.Finish();
        return id is null || displayName is null || endpoint is null || contacts is null
            ? null
            : new ReferrerConfiguration { Id = id, DisplayName = displayName, FhirEndpointId = endpoint, CriticalResultContacts = contacts, CriticalResultEscalationChainId = chain };
    }

    private static CriticalResultContact? CriticalContact(JsonElement element, Location location, Scope scope, UniqueIds contactIds)
    {
        var reader = ObjectReader.Open(element, location, scope.Problems);
        if (reader is null)
        {
            return null;
        }
        var id = reader.Id("id");
        if (id is not null)
        {
            contactIds.Add(id, location.Property("id"), scope.Problems);
        }
        var displayName = reader.String("displayName", required: true);
        var channel = Channels.Read(reader, "channel");
        var address = reader.String("address", required: true);
        reader.Finish();
        return id is null || displayName is null || channel is null || address is null
            ? null
            : new CriticalResultContact { Id = id, DisplayName = displayName, Channel = channel.Value, Address = address };
    }

    internal static string? Jurisdiction(ObjectReader reader, string name)
    {
        var text = reader.String(name, required: true);
        if (text is not null && Ids.CheckJurisdiction(text) is { } problem)
        {
            reader.Report(name, problem.Code, problem.Message);
            return null;
        }
        return text;
    }
}
