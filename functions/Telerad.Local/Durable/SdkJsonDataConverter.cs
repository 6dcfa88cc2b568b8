using CoreJsonDataConverter = DurableTask.Core.Serializing.JsonDataConverter;
using SdkDataConverter = Microsoft.DurableTask.DataConverter;

namespace Telerad.Local;

/// <summary>
/// The Durable Task SDK's converter (System.Text.Json) in the shape DTFx's <see cref="DurableTask.Core.TaskHubClient"/>
/// wants. The SDK's orchestration and activity shims read inputs and events with the SDK converter, so the client
/// must write them with the same one: DTFx's default (Newtonsoft, with type names) would not deserialize.
/// The SDK has such a class too, but internal.
/// </summary>
internal sealed class SdkJsonDataConverter(SdkDataConverter converter) : CoreJsonDataConverter
{
    public override string Serialize(object value) => converter.Serialize(value) ?? "null";

    public override string Serialize(object value, bool formatted) => Serialize(value);

    public override object Deserialize(string data, Type objectType) => converter.Deserialize(data, objectType)!;
}
