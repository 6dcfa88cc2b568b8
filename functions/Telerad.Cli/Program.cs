using Telerad.Cli;

return TeleradCommand.Build().Parse(args).Invoke();
