using System.Net;
using System.Net.Sockets;

namespace Telerad.Dicom.Tests;

/// <summary>
/// A loopback port nobody listens on now, for servers a test starts (the Durable Task test host's gRPC sidecar picks a
/// random port by default and, with several hosts and other processes on the machine, sometimes one in use).
/// </summary>
public static class FreeTcpPort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
