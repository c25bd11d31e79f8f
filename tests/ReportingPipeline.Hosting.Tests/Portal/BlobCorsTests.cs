using Azure.Storage.Blobs.Models;
using ReportingPipeline.Storage.Portal;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Hosting.Tests.Portal;

[Collection(AzuriteFixture.Collection)]
public sealed class BlobCorsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task AllowUploadsFrom_AnExistingRuleForTheOriginWithoutPut_StillAddsThePutRule()
    {
        var service = azurite.BlobService();
        var before = (await service.GetPropertiesAsync()).Value;
        var original = before.Cors.ToList();
        const string origin = "http://127.0.0.1:7399";
        try
        {
            before.Cors.Clear();
            before.Cors.Add(new BlobCorsRule { AllowedOrigins = origin, AllowedMethods = "GET", AllowedHeaders = "*", ExposedHeaders = "*", MaxAgeInSeconds = 60 });
            await service.SetPropertiesAsync(before);

            await BlobCors.AllowUploadsFromAsync(service, origin);
            await BlobCors.AllowUploadsFromAsync(service, origin);

            var rules = (await service.GetPropertiesAsync()).Value.Cors;
            Assert.Equal(2, rules.Count);
            Assert.Single(rules, r => r.AllowedOrigins == origin && r.AllowedMethods.Split(',').Contains("PUT"));
        }
        finally
        {
            var after = (await service.GetPropertiesAsync()).Value;
            after.Cors.Clear();
            foreach (var rule in original)
            {
                after.Cors.Add(rule);
            }

            await service.SetPropertiesAsync(after);
        }
    }
}
