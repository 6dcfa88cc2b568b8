using Microsoft.Extensions.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Telerad.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.AddTelerad();
builder.Build().Run();
