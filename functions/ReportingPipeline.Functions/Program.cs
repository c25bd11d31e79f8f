using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using ReportingPipeline.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.AddReportingPipelineFunctions();
builder.Build().Run();
