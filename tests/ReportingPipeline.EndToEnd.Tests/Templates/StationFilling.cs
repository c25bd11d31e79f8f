using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace ReportingPipeline.EndToEnd.Tests.Templates;

/// <summary>Fills a template written by `pipeline template` the way a station's staff member does.</summary>
internal static class StationFilling
{
    /// <summary>What a station types beside each field of the station sheet (by key, whatever the row).</summary>
    private static readonly Dictionary<string, string> StationValues = new(StringComparer.Ordinal)
    {
        ["prepared_by"] = "王芳",
        ["social_workers"] = "12",
        ["certified_workers"] = "8",
        ["volunteers"] = "25",
        ["volunteer_hours"] = "36.5",
    };

    /// <summary>
    /// Types figures as text into the cells left blank (the open cells: prefilled codes and names are kept), and
    /// optionally retypes one header's label, keeping its key in brackets.
    /// </summary>
    public static void FillIn(string path, (string Header, string Retyped)? retype = null, string count = "3")
    {
        using var document = SpreadsheetDocument.Open(path, isEditable: true);
        FillIn(document, retype, count);
    }

    /// <summary>The same, on a workbook in memory.</summary>
    public static void FillIn(Stream workbookStream, (string Header, string Retyped)? retype = null, string count = "3")
    {
        using var document = SpreadsheetDocument.Open(workbookStream, isEditable: true);
        FillIn(document, retype, count);
    }

    private static void FillIn(SpreadsheetDocument document, (string Header, string Retyped)? retype, string count)
    {
        var workbook = document.WorkbookPart!;
        var strings = workbook.SharedStringTablePart!.SharedStringTable;
        var texts = strings.Elements<SharedStringItem>().Select(i => i.InnerText).ToList();
        foreach (var sheet in workbook.Workbook.Sheets!.Elements<Sheet>())
        {
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
            var rows = part.Worksheet.GetFirstChild<SheetData>()!.Elements<Row>().ToList();
            if (sheet.Name == "填报说明" || rows.Count == 0)
            {
                continue;
            }

            var station = sheet.Name!.Value!.Contains("station", StringComparison.Ordinal);
            var headerCount = rows[0].Elements<Cell>().Count();
            foreach (var row in rows.Skip(1))
            {
                var name = Text(row.Elements<Cell>().FirstOrDefault(c => c.CellReference == $"A{row.RowIndex}"), texts);
                for (var column = 0; column < headerCount; column++)
                {
                    var reference = $"{(char)('A' + column)}{row.RowIndex}";
                    var cell = row.Elements<Cell>().FirstOrDefault(c => c.CellReference == reference);
                    if (cell is null)
                    {
                        cell = new Cell { CellReference = reference };
                        row.Append(cell);
                    }

                    if (string.IsNullOrEmpty(cell.CellValue?.Text) && cell.InlineString is null)
                    {
                        var value = station
                            ? StationValues.First(v => name.EndsWith($"({v.Key})", StringComparison.Ordinal)).Value
                            : count;
                        cell.DataType = CellValues.InlineString;
                        cell.InlineString = new InlineString(new Text(value));
                    }
                }
            }
        }

        if (retype is { } change)
        {
            var item = strings.Elements<SharedStringItem>().Single(i => i.InnerText == change.Header);
            item.RemoveAllChildren();
            item.AppendChild(new Text(change.Retyped));
        }
    }

    private static string Text(Cell? cell, List<string> sharedStrings) =>
        cell?.DataType?.Value == CellValues.SharedString ? sharedStrings[int.Parse(cell.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture)]
        : cell?.InlineString?.InnerText ?? cell?.CellValue?.Text ?? string.Empty;
}
