using Azure;

namespace Telerad.Local;

/// <summary>
/// What may be logged about a failure: Telerad's storage errors (written without object names), the storage service's
/// status and code, or else the exception type. Not SDK messages: they can echo a request URL, which holds the
/// hospital's object name.
/// </summary>
internal static class SafeErrors
{
    public static string Describe(Exception exception) => exception switch
    {
        ObjectStoreException store => store.Message,
        RequestFailedException request => $"storage answered {request.Status} {request.ErrorCode}",
        _ => exception.GetType().Name,
    };
}
