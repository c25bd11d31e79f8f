namespace ReportingPipeline.EndToEnd.Tests;

/// <summary>
/// A programme small enough to read in a test: one city, one district, two towns (stations) with two
/// villages each, and JSON submissions written as stations' systems would.
/// </summary>
public static class MiniProgramme
{
    public const string Regions = """
        code,name,level,parent_code
        44,广东省,province,
        4401,广州市,city,44
        440103,荔湾区,district,4401
        440103001,沙面街道,town,440103
        440103001001,沙面社区,village,440103001
        440103001002,翠洲社区,village,440103001
        440103002,岭南街道,town,440103
        440103002001,岭南社区,village,440103002
        440103002002,西关社区,village,440103002
        """;

    public const string Stations = """
        station_code,name,operator,opened_on,closed_on
        440103001,沙面街道社工站,广州市启智社会工作服务中心,2021-01-01,
        440103002,岭南街道社工站,广州市恒福社会工作服务中心,2021-03-01,
        """;

    /// <summary>A clean month for a station, as its system would send it.</summary>
    public static string Json(string station, string period, int socialWorkers = 12, int certified = 9, string villagePrefix = "") =>
        $$"""
        {
          "schema": "shuangbai-monthly/v1",
          "station": {"station_code": "{{station}}", "period": "{{period}}", "prepared_by": "李明", "social_workers": {{socialWorkers}}, "certified_workers": {{certified}}, "volunteers": 30, "volunteer_hours": 120.5},
          "visits": [
            {"village_code": "{{villagePrefix}}{{station}}001", "resident_visits": 120, "client_visits": 30, "case_files": 4, "newly_identified": 1},
            {"village_code": "{{villagePrefix}}{{station}}002", "resident_visits": 80, "client_visits": 22, "case_files": 2, "newly_identified": 0}
          ],
          "services": [
            {"village_code": "{{station}}001", "target_group": "elderly", "cases": 5, "groups": 2, "activities": 3, "people_served": 210},
            {"village_code": "{{station}}002", "target_group": "children", "cases": 2, "groups": 1, "activities": 2, "people_served": 95}
          ],
          "hotline": [
            {"line_id": "H{{station}}", "duty_shifts": 60, "calls": 140, "people_served": 120, "resolved": 40, "psychological": 30, "emotional": 40, "basic_needs": 30, "other_support": 20}
          ],
          "funds": [
            {"source": "province", "received": "100,000.00", "spent": 80000.5, "in_kind": 0},
            {"source": "social", "received": 5000, "spent": 1000, "in_kind": 2500.25}
          ]
        }
        """;

    public static void WriteReference(TestFolder folder, string root = "reference")
    {
        folder.Write($"{root}/regions.csv", Regions.Replace("\r", string.Empty, StringComparison.Ordinal) + "\n");
        folder.Write($"{root}/stations.csv", Stations.Replace("\r", string.Empty, StringComparison.Ordinal) + "\n");
    }
}
