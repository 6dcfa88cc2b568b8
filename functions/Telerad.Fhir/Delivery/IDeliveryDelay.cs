namespace Telerad.Fhir.Delivery;

/// <summary>Waits between attempts. Injected so tests can record the waits instead of sleeping through them.</summary>
public interface IDeliveryDelay
{
    Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken);
}

/// <summary>The real wait, on the given clock.</summary>
public sealed class TimeProviderDelay(TimeProvider time) : IDeliveryDelay
{
    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, time, cancellationToken);
}
