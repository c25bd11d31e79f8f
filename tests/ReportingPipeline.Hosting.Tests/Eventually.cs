namespace ReportingPipeline.Hosting.Tests;

/// <summary>Waits for something a background service does; the timeout only guards against a hang.</summary>
internal static class Eventually
{
    public static async Task HoldsAsync(Func<bool> condition, string what, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Still waiting after {timeoutSeconds} s for: {what}");
            }

            await Task.Delay(50);
        }
    }
}
