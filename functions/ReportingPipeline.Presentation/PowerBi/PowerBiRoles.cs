using System.Globalization;
using System.Text;

using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Presentation.PowerBi;

/// <summary>A row-level security role: the analysts of one city or district see only its rows.</summary>
/// <param name="Level">city or district.</param>
public sealed record PowerBiRole(string Name, string Level, string Code, string RegionName)
{
    /// <summary>The file of the role under the model's <c>definition/</c>.</summary>
    public string FileName => $"roles/{Level}-{Code}.tmdl";

    /// <summary>The column of <c>dim_region</c> and <c>dim_station</c> the role filters on.</summary>
    public string Column => Level + "_code";
}

/// <summary>
/// Row-level security generated from the region hierarchy (<c>pipeline powerbi --reference DIR</c>): a role per city and
/// per district, filtering both dimensions on the region's code. <c>dim_station</c> filters the station facts and, through
/// the town, <c>dim_region</c>; <c>dim_region</c> filters the village facts; the filter on both keeps either path closed.
/// Province analysts need no role (members of no role see everything only as dataset owners: assign them a role in the
/// service or give them build rights, see the README).
/// </summary>
public static class PowerBiRoles
{
    public static IReadOnlyList<PowerBiRole> For(ReferenceData reference) =>
        [.. reference.Regions
            .Where(r => r.Level is RegionLevel.City or RegionLevel.District)
            .OrderBy(r => r.Code, StringComparer.Ordinal)
            .Select(r =>
            {
                var level = r.Level == RegionLevel.City ? "city" : "district";
                return new PowerBiRole($"{(level == "city" ? "市" : "区县")} {r.Code} {r.Name}", level, r.Code, r.Name);
            })];

    public static string Tmdl(PowerBiRole role)
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"/// Analysts of {role.RegionName} ({role.Level} {role.Code}): only its stations and villages.\n")
            .Append("role ").Append(TmdlWriter.Name(role.Name)).Append('\n')
            .Append("\tmodelPermission: read\n")
            .Append(CultureInfo.InvariantCulture, $"\tlineageTag: {PowerBiModel.StableId("role/" + role.Code)}\n\n");
        foreach (var table in new[] { MartTables.DimRegion, MartTables.DimStation })
        {
            text.Append("\ttablePermission ").Append(table.Name).Append(" = [").Append(table[role.Column].Name).Append("] = \"").Append(role.Code).Append("\"\n\n");
        }

        return text.ToString().TrimEnd('\n') + "\n";
    }
}
