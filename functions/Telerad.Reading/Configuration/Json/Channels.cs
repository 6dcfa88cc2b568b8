namespace Telerad.Reading.Configuration.Json;

internal static class Channels
{
    public static ContactChannel? Read(ObjectReader reader, string name)
    {
        var text = reader.String(name, required: true);
        switch (text)
        {
            case null:
                return null;
            case "phone":
                return ContactChannel.Phone;
            case "sms":
                return ContactChannel.Sms;
            case "email":
                return ContactChannel.Email;
            case "pager":
                return ContactChannel.Pager;
            default:
                reader.Report(name, ConfigurationErrorCodes.InvalidValue, $"'{text}' is not a channel (phone, sms, email, pager)");
                return null;
        }
    }
}
