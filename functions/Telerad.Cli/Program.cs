using System.CommandLine;
using Telerad.Cli;

// Ctrl+C and SIGTERM become the cancellation token the verbs' actions receive (upload then says how to resume).
// System.CommandLine 2.0.0 leaves ProcessTerminationTimeout unset unless given, and then installs no signal handler.
return await TeleradCommand.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });
