using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telerad.Notifications;

/// <summary>The wire format: camelCase JSON, the same for both transports.</summary>
public static class NotificationJson
{
    public static byte[] Serialize(Notification notification) => JsonSerializer.SerializeToUtf8Bytes(notification, NotificationJsonContext.Default.Notification);

    public static Notification Parse(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, NotificationJsonContext.Default.Notification) ?? throw new JsonException("Empty notification.");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Notification))]
internal sealed partial class NotificationJsonContext : JsonSerializerContext;
