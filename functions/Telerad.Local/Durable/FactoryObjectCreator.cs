using DurableTask.Core;

namespace Telerad.Local;

/// <summary>
/// Registers an orchestration or activity with DTFx by name, making a new object per execution (the SDK's
/// orchestration shim holds the state of one execution, so it must not be shared).
/// </summary>
internal sealed class FactoryObjectCreator<T> : ObjectCreator<T>
{
    private readonly Func<T> _create;

    public FactoryObjectCreator(string name, Func<T> create)
    {
        Name = name;
        Version = string.Empty;
        _create = create;
    }

    public override T Create() => _create();
}
