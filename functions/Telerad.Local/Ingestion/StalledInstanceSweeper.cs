using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Telerad.Local;

/// <summary>Runs the <see cref="StalledInstanceSweep"/> every <see cref="LocalOptions.SweepInterval"/> (instances older than <see cref="LocalOptions.StalledAfter"/>).</summary>
public sealed partial class StalledInstanceSweeper(StalledInstanceSweep sweep, LocalOptions options, TimeProvider time, ILogger<StalledInstanceSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.SweepInterval, time, stoppingToken);
                await sweep.SweepAsync(options.StalledAfter, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogSweepFailed(SafeErrors.Describe(ex));
            }
        }
    }

    [LoggerMessage(EventId = 8004, Level = LogLevel.Warning, Message = "The stalled-instance sweep failed ({Error}); it runs again at its next interval")]
    private partial void LogSweepFailed(string error);
}
