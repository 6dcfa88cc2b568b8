namespace Telerad.Storage;

/// <summary>
/// The store refused or failed an operation for a reason other than "not found" or "already exists"
/// (permission, throttling, a full append object, a server error). The message names the container and a hash
/// of the object name (<see cref="ObjectNames.Describe"/>), never the name itself: hospital-chosen paths can
/// carry patient data. The store's own error is not kept as the inner exception for the same reason (Azure
/// error bodies can echo the request path); its status and code are.
/// </summary>
public sealed class ObjectStoreException : Exception
{
    public ObjectStoreException()
    {
    }

    public ObjectStoreException(string message)
        : base(message)
    {
    }

    public ObjectStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ObjectStoreException(string message, int status, string? errorCode)
        : base(message)
    {
        Status = status;
        ErrorCode = errorCode;
    }

    /// <summary>The HTTP status the store answered with, 0 when there was no answer.</summary>
    public int Status { get; }

    /// <summary>The store's error code (e.g. Azure's <c>AuthorizationPermissionMismatch</c>), if it gave one.</summary>
    public string? ErrorCode { get; }

    /// <summary>True when the caller is not allowed to do this (a write-only credential asked to read, say).</summary>
    public bool IsForbidden => Status == 403;
}
