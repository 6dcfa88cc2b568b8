using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Telerad.Azure.Tests;

/// <summary>
/// A TCP forwarder to a local port that passes what the client sends at no more than a set rate (replies go through
/// unthrottled). It gives a test a slow network on demand: an upload through it takes at least its size over the rate,
/// however fast the machine, so "interrupt while the upload runs" does not depend on timing luck.
/// </summary>
public sealed class ThrottlingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _targetPort;
    private readonly long _bytesPerSecond;
    private readonly Task _accepting;

    public ThrottlingProxy(int targetPort, long bytesPerSecond)
    {
        (_targetPort, _bytesPerSecond) = (targetPort, bytesPerSecond);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Cuts every connection (nothing more is forwarded) and stops listening; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        using (var target = new TcpClient())
        {
            try
            {
                await target.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                var up = PumpAsync(client.GetStream(), target.GetStream(), _bytesPerSecond);
                var down = PumpAsync(target.GetStream(), client.GetStream(), bytesPerSecond: 0);
                await Task.WhenAny(up, down);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // A closed connection on either side ends the forwarding; the client sees it as the network failing.
            }
        }
    }

    private async Task PumpAsync(Stream from, Stream to, long bytesPerSecond)
    {
        var buffer = new byte[16 * 1024];
        var clock = Stopwatch.StartNew();
        long sent = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            sent += read;
            if (bytesPerSecond > 0)
            {
                var due = TimeSpan.FromSeconds((double)sent / bytesPerSecond) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, _stop.Token);
                }
            }
        }

        to.Close();
    }
}
