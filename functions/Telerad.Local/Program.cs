using System.CommandLine;
using Telerad.Local;

// Ctrl+C and SIGTERM cancel the action's token; the runtime then stops in order and Azurite saves its data.
return await LocalCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(40) });
