using System.Text.Json;

namespace Telerad.Reading.Configuration.Json;

/// <summary><c>operations.json</c>: the operations contacts and who gets operations alerts.</summary>
internal static class OperationsDocument
{
    public static (IReadOnlyList<OperationsContact> Contacts, IReadOnlyList<string> AlertContacts)? Read(JsonElement root, string document, Problems problems, KnownIds known)
    {
        var reader = ObjectReader.Open(root, new Location(document, "$"), problems);
        if (reader is null)
        {
            return null;
        }
        var unique = new UniqueIds("contact");
        var contacts = reader.Array("contacts", required: true, (element, location) => Contact(element, location, problems, known, unique)) ?? [];
        known.ContactsKnown = true;
        var alerts = reader.Strings("alertContacts", required: true, id => known.Contacts.Contains(id)
            ? null
            : (ConfigurationErrorCodes.UnknownReference, $"alert contact '{id}' is not a contact of operations.json"),
            whenEmpty: "at least one contact must receive operations alerts (e.g. no eligible reader)");
        reader.Finish();
        return (contacts, alerts ?? []);
    }

    private static OperationsContact? Contact(JsonElement element, Location location, Problems problems, KnownIds known, UniqueIds unique)
    {
        var reader = ObjectReader.Open(element, location, problems);
        if (reader is null)
        {
            return null;
        }
        var id = reader.Id("id");
        if (id is not null)
        {
            known.Contacts.Add(id);
            unique.Add(id, location.Property("id"), problems);
        }
        var displayName = reader.String("displayName", required: true);
        var role = reader.String("role", required: true);
        var channel = Channels.Read(reader, "channel");
        var address = reader.String("address", required: true);
        reader.Finish();
        return id is null || displayName is null || role is null || channel is null || address is null
            ? null
            : new OperationsContact { Id = id, DisplayName = displayName, Role = role, Channel = channel.Value, Address = address };
    }
}
