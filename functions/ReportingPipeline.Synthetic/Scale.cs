namespace ReportingPipeline.Synthetic;

/// <summary>How much of the world the synthetic reference covers.</summary>
public enum Scale
{
    /// <summary>
    /// The committed sample: Guangzhou (11 real districts, 176 towns, 2,807 villages) and Yunfu (5 real
    /// county-level units, 63 towns) in province 44.
    /// </summary>
    Sample,

    /// <summary>Guangzhou alone: 11 real districts, 176 towns, 2,807 villages.</summary>
    Guangzhou,

    /// <summary>The 21 cities of Guangdong with their real codes: about 1,600 towns and 26,000 villages.</summary>
    Guangdong,

    /// <summary>
    /// National volume in one synthetic province 99 (the contract holds exactly one province per
    /// reference): about 38,000 towns and 490,000 villages across synthetic cities and districts.
    /// </summary>
    National,
}
