using System.CommandLine;
using Telerad.Cli;

// `telerad deidentify` as its own natively compiled program: the same options, action and exit codes.
return await DeidentifyCommand.Configure(new RootCommand(DeidentifyCommand.Description)).Parse(args)
    .InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });
