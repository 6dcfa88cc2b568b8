using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Telerad.Local;

/// <summary>
/// The whole pipeline on one machine: Azurite (started here, or one given), the durable engine, the `incoming` poller
/// and the HTTP API. `telerad-local` (Program.cs) and `telerad demo` both run it through this class.
/// </summary>
public sealed class LocalRuntime : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly AzuriteProcess? _azurite;

    private LocalRuntime(WebApplication app, AzuriteProcess? azurite, LocalStorage storage, IReadOnlyList<Uri> addresses)
    {
        _app = app;
        _azurite = azurite;
        Storage = storage;
        Addresses = addresses;
    }

    /// <summary>The storage account; clients made with it share the runtime's connection pool (see <see cref="LocalStorage"/>).</summary>
    public LocalStorage Storage { get; }

    /// <summary>Where uploads go (`telerad upload --connection-string`).</summary>
    public string StorageConnectionString => Storage.ConnectionString;

    /// <summary>The API's bound addresses (the real port when --urls asked for port 0).</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    public Uri ApiAddress => Addresses[0];

    public IServiceProvider Services => _app.Services;

    /// <summary>The process ids of the Azurite this runtime started (blob, queue, table), if it started one.</summary>
    public IReadOnlyList<int> AzuriteProcessIds => _azurite?.ProcessIds ?? [];

    /// <summary>Starts everything; <paramref name="messages"/> gets one-off notes (an `npm ci` being run, say).</summary>
    public static async Task<LocalRuntime> StartAsync(LocalOptions options, TextWriter messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var data = Path.GetFullPath(options.DataDirectory);
        EnsureApiPortsFree(options.Urls); // before Azurite and the engine start: say it at once
        Directory.CreateDirectory(data);
        AzuriteProcess? azurite = null;
        if (options.StorageConnectionString is null)
        {
            var binary = await AzuriteLocator.FindOrInstallAsync(messages, cancellationToken);
            azurite = await AzuriteProcess.StartAsync(binary, Path.Combine(data, "azurite"), options.BlobPort, options.QueuePort, options.TablePort, cancellationToken);
        }

        var storage = new LocalStorage(options.StorageConnectionString ?? azurite!.ConnectionString, azurite is not null);
        try
        {
            var app = Build(options, storage, await LocalTenantSettings.LoadAsync(options, cancellationToken));
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse })
            {
                await app.DisposeAsync();
                throw new LocalStartException(
                    $"The API address {options.Urls} is in use. Is Telerad.Local (or `telerad demo --keep-running`) already running? Stop it or give another address with --urls (port 0 picks a free one).", ex);
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }

            return new LocalRuntime(app, azurite, storage, [.. app.Urls.Select(u => new Uri(u))]);
        }
        catch
        {
            storage.Dispose();
            if (azurite is not null)
            {
                await azurite.DisposeAsync();
            }

            throw;
        }
    }

    private static void EnsureApiPortsFree(string urls)
    {
        foreach (var url in LoopbackUrls.Parse(urls).Where(u => u.Port != 0))
        {
            var address = url.Host == "[::1]" ? System.Net.IPAddress.IPv6Loopback : System.Net.IPAddress.Loopback;
            var probe = new System.Net.Sockets.TcpListener(address, url.Port);
            try
            {
                probe.Start();
            }
            catch (System.Net.Sockets.SocketException ex) when (ex.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
            {
                throw new LocalStartException(
                    $"The API address {url} is in use. Is Telerad.Local (or `telerad demo --keep-running`) already running? Stop it, or give another address with --urls (port 0 picks a free one).", ex);
            }
            finally
            {
                probe.Stop();
            }
        }
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C, SIGTERM) or <paramref name="cancellationToken"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
            Storage.Dispose(); // closes the connections Azurite would wait for
            if (_azurite is not null)
            {
                await _azurite.DisposeAsync();
            }
        }
    }

    private static WebApplication Build(LocalOptions options, LocalStorage storage, IReadOnlyList<TenantSettings> tenants)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders();
        // Logs go to stderr (stdout is for the lines scripts read); Telerad's own at the chosen level, the engine's,
        // the SDKs' and ASP.NET Core's only when something is wrong.
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(options.LogLevel);
        foreach (var category in new[] { "DurableTask", "Microsoft", "Azure", "System" })
        {
            builder.Logging.AddFilter(category, level => level >= LogLevel.Warning && level >= options.LogLevel);
        }

        // The Azure Storage backend warns about timer messages of earlier executions (StudyAssembly starts a quiet-period
        // timer per event; those outstanding at ContinueAsNew fire later, "out of order", and are set aside): expected here.
        builder.Logging.AddFilter("DurableTask.AzureStorage", level => level >= (options.LogLevel <= LogLevel.Debug ? LogLevel.Warning : LogLevel.Error));

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddTeleradLocal(options, storage, tenants);
        builder.Services.AddAuthentication(DevIdentityHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, DevIdentityHandler>(DevIdentityHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider(); // nothing to protect: no cookies, no keys on disk

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapStatusApi();
        app.MapReadingApi();
        return app;
    }
}
