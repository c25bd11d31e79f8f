namespace ReportingPipeline.Synthetic;

/// <summary>
/// Seeds derived from the run's seed and the thing being generated (a station, a month), so that any
/// part of a dataset can be regenerated on its own, in any order, on any machine, with the same result.
/// </summary>
internal static class SeededRandom
{
    /// <summary>A <see cref="Random"/> for one purpose; <see cref="Random(int)"/> is stable across platforms.</summary>
    public static Random For(int seed, params ReadOnlySpan<long> parts) => new(Mix(seed, parts));

    public static int Mix(int seed, params ReadOnlySpan<long> parts)
    {
        var state = SplitMix((ulong)(uint)seed);
        foreach (var part in parts)
        {
            state = SplitMix(state ^ (ulong)part);
        }

        return (int)(state & 0x7FFF_FFFF);
    }

    /// <summary>A stable number for a code (string.GetHashCode is randomised per process).</summary>
    public static long Of(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (long)hash;
    }

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public static double Between(this Random random, double low, double high) => low + (random.NextDouble() * (high - low));

    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>
    /// Splits <paramref name="total"/> into whole parts proportional to <paramref name="weights"/> (largest
    /// remainder), each at least <paramref name="minimum"/>: the counts then add up exactly to the target.
    /// </summary>
    public static int[] Apportion(int total, IReadOnlyList<double> weights, int minimum = 0)
    {
        var parts = new int[weights.Count];
        var spare = total - (minimum * weights.Count);
        if (spare < 0)
        {
            throw new ArgumentException($"Cannot give {weights.Count} parts at least {minimum} out of {total}.", nameof(total));
        }

        var sum = weights.Sum();
        var remainders = new (double Remainder, int Index)[weights.Count];
        var given = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var share = spare * weights[i] / sum;
            parts[i] = minimum + (int)Math.Floor(share);
            given += parts[i] - minimum;
            remainders[i] = (share - Math.Floor(share), i);
        }

        foreach (var (_, index) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Index).Take(spare - given))
        {
            parts[index]++;
        }

        return parts;
    }
}
