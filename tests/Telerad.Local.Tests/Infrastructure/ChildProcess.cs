using System.Diagnostics;
using System.Text;

namespace Telerad.Local.Tests;

/// <summary>
/// A program of ours run as its own process (`dotnet X.dll ...`, the dll next to the tests), its output collected.
/// <see cref="KillHard"/> is kill -9 of that one process; <see cref="DisposeAsync"/> ends whatever is left of it.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(string Prefix, TaskCompletionSource<string> Line)> _waits = [];

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything written so far, stdout and stderr interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ChildProcess Start(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var path = Path.Combine(AppContext.BaseDirectory, dll);
        Assert.True(File.Exists(path), $"{dll} is built next to the tests");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(path);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs to the end and returns the exit code (the process is killed and the test fails after <paramref name="timeout"/>).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"The process did not finish within {timeout.TotalSeconds} s. Its output:\n{Output}");
        }

        _process.WaitForExit(); // the last output lines
        return _process.ExitCode;
    }

    /// <summary>The first line (already written or still to come) that starts with <paramref name="prefix"/>.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var wait = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            var existing = _output.ToString().Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            if (existing is not null)
            {
                return existing;
            }

            _waits.Add((prefix, wait));
        }

        var finished = await Task.WhenAny(wait.Task, _process.WaitForExitAsync(), Task.Delay(timeout));
        if (finished != wait.Task)
        {
            Assert.Fail($"No line '{prefix}...' within {timeout.TotalSeconds} s (exited: {_process.HasExited}). Output:\n{Output}");
        }

        return await wait.Task;
    }

    /// <summary>kill -9: no shutdown code runs in the process.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(line).Append('\n');
            foreach (var wait in _waits.Where(w => line.StartsWith(w.Prefix, StringComparison.Ordinal)).ToList())
            {
                _waits.Remove(wait);
                wait.Line.TrySetResult(line);
            }
        }
    }
}
