using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Telerad.Functions.Tests;

/// <summary>A logger provider that keeps every formatted message (with its event id and any exception text).</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(EventId Event, LogLevel Level, string Category, string Text)> _entries = new();

    public IReadOnlyList<(EventId Event, LogLevel Level, string Category, string Text)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((eventId, logLevel, category, formatter(state, exception) + (exception is null ? string.Empty : " " + exception)));
    }
}
