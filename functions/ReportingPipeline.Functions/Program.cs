using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReportingPipeline.Hosting;

// No ConfigureFunctionsWebApplication(): that is the ASP.NET Core integration for HTTP triggers, and this app has none.
var builder = FunctionsApplication.CreateBuilder(args);

builder.Services
    .AddApplicationInsightsTelemetryWorkerService()
    .ConfigureFunctionsApplicationInsights();
builder.AddReportingPipeline();

builder.Build().Run();
