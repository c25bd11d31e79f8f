using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Templates;

/// <summary>
/// Writes the Excel workbook stations fill in: an instructions sheet, then one sheet per section with the
/// contract's headers (<c>走访居民人次 (resident_visits)</c>), drop-downs for enums and number checks for
/// counts and amounts. A template is simply a submission whose keys are prefilled and whose figures are blank.
/// Each village code has its name beside it, the station sheet carries the station's name, the month and the
/// template version, and the sheets are protected (no password) so that only the cells a station fills are open.
/// </summary>
public static class SubmissionWorkbookWriter
{
    public const string InstructionsSheetName = "填报说明";

    /// <summary>Recorded in every workbook (station sheet, <c>模板版本 (template_version)</c>); raised when the layout changes.</summary>
    public const string TemplateVersion = "2026.12";

    /// <summary>Rows below the prefilled ones that still get drop-downs and number checks, for rows a station adds.</summary>
    private const int SpareValidatedRows = 200;

    // Cell formats, by index into the stylesheet written below.
    private const uint DefaultStyle = 0;
    private const uint HeaderStyle = 1;
    private const uint TextStyle = 2;
    private const uint TitleStyle = 3;
    private const uint KeyStyle = 4;
    private const uint InputStyle = 5;
    private const uint InputTextStyle = 6;

    /// <summary>The blank template of a station's month: every village, village × target group and fund source prefilled.</summary>
    public static void WriteTemplate(Stream output, ReferenceData reference, string stationCode, Period period) =>
        Write(output, Prefilled(reference, stationCode, period), reference);

    /// <summary>The same workbook filled with a submission's values: numbers as numeric cells, missing values as empty cells.</summary>
    public static void WriteSubmission(Stream output, Submission submission, ReferenceData? reference = null) =>
        Write(output, submission, reference);

    /// <summary>A submission holding only what the template prefills: station and period, and the key columns of each row.</summary>
    public static Submission Prefilled(ReferenceData reference, string stationCode, Period period)
    {
        var villages = reference.VillagesOf(stationCode);
        return new Submission(
            new StationSheet(stationCode, period, null, null, null, null, null),
            [.. villages.Select(v => new VisitRecord(v.Code, null, null, null, null))],
            [.. villages.SelectMany(v => SubmissionContract.TargetGroups.Values.Select(g => new ServiceRecord(v.Code, g.Key, null, null, null, null)))],
            [],
            [.. SubmissionContract.FundSources.Values.Select(s => new FundRecord(s.Key, null, null, null))]);
    }

    private static void Write(Stream output, Submission submission, ReferenceData? reference)
    {
        using var document = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook);
        var workbookPart = document.AddWorkbookPart();
        workbookPart.Workbook = new Workbook();
        var stylesPart = workbookPart.AddNewPart<WorkbookStylesPart>();
        stylesPart.Stylesheet = Styles();
        var strings = new SharedStrings(workbookPart.AddNewPart<SharedStringTablePart>());
        var sheets = workbookPart.Workbook.AppendChild(new Sheets());

        AddSheet(workbookPart, sheets, InstructionsSheetName, Instructions(submission, reference, strings));
        foreach (var section in SubmissionContract.Sections)
        {
            var rows = SubmissionFields.RowsByKey(submission, section);
            var worksheet = section.Shape == SectionShape.KeyValue
                ? KeyValueSheet(section, rows[0], reference, strings)
                : RowsSheet(section, rows, reference, strings);
            AddSheet(workbookPart, sheets, section.TemplateSheetName, worksheet);
        }

        strings.Save();
        workbookPart.Workbook.Save();
    }

    private static void AddSheet(WorkbookPart workbookPart, Sheets sheets, string name, Worksheet worksheet)
    {
        var part = workbookPart.AddNewPart<WorksheetPart>();
        part.Worksheet = worksheet;
        sheets.AppendChild(new Sheet
        {
            Id = workbookPart.GetIdOfPart(part),
            SheetId = (uint)sheets.ChildElements.Count + 1,
            Name = name,
        });
    }

    private static Worksheet Instructions(Submission submission, ReferenceData? reference, SharedStrings strings)
    {
        var station = submission.Station;
        var period = station.Period;
        var stationName = reference?.FindStation(station.StationCode)?.Name ?? reference?.FindRegion(station.StationCode)?.Name;
        var deadline = DeadlinePolicy.Default.DeadlineOf(period);
        string[] lines =
        [
            "广东兜底民生服务社会工作双百工程 · 社工站月度数据报表 / Shuangbai social work station monthly report",
            $"社工站 Station：{station.StationCode} {stationName}",
            $"填报月份 Month：{period}",
            $"模板版本 Template version：{TemplateVersion}",
            string.Create(CultureInfo.InvariantCulture, $"截止时间 Deadline：{deadline:yyyy-MM-dd HH:mm}（北京时间 / Beijing time）"),
            string.Empty,
            "1. 每个工作表是一部分数据，请勿修改工作表名称和表头。/ Each sheet is one section: do not rename sheets or header cells.",
            "2. 空白表示未填报；没有发生请填 0。人数、次数填写非负整数。/ A blank cell means not reported: write 0 for none. Counts are whole numbers ≥ 0.",
            "3. 村居代码、村居名称、服务对象、资金来源已预填并锁定，只需填写白色单元格；热线表每条热线一行，本站无热线可不填。/ Village codes and names, target groups and fund sources are prefilled and locked: fill in the open cells only. Hotline: one row per line, or none.",
            "4. 金额以元为单位，最多 2 位小数；志愿服务时长最多 1 位小数。/ Amounts in yuan with at most 2 decimals; volunteer hours with at most 1.",
            $"5. 上传位置 Upload to：submissions/{period}/{station.StationCode}/（文件名 file name）.xlsx",
        ];

        var data = new SheetData();
        var rowNumber = 0u;
        foreach (var line in lines)
        {
            rowNumber++;
            data.AppendChild(new Row(TextCell(strings, "A", rowNumber, line, rowNumber == 1 ? TitleStyle : DefaultStyle)) { RowIndex = rowNumber });
        }

        var villages = reference?.VillagesOf(station.StationCode) ?? [];
        if (villages.Count > 0)
        {
            rowNumber += 2;
            data.AppendChild(new Row(
                TextCell(strings, "A", rowNumber, "村居代码 Village code", HeaderStyle),
                TextCell(strings, "B", rowNumber, "村居名称 Village name", HeaderStyle)) { RowIndex = rowNumber });
            foreach (var village in villages)
            {
                rowNumber++;
                data.AppendChild(new Row(
                    TextCell(strings, "A", rowNumber, village.Code, TextStyle),
                    TextCell(strings, "B", rowNumber, village.Name, DefaultStyle)) { RowIndex = rowNumber });
            }
        }

        return new Worksheet(
            new Columns(
                new Column { Min = 1, Max = 1, Width = 22, CustomWidth = true },
                new Column { Min = 2, Max = 2, Width = 40, CustomWidth = true }),
            data,
            Protection());
    }

    private static Worksheet KeyValueSheet(SectionDefinition section, IReadOnlyDictionary<string, object?> values, ReferenceData? reference, SharedStrings strings)
    {
        var stationCode = values.GetValueOrDefault("station_code") as string;
        var stationName = stationCode is null ? null : reference?.FindStation(stationCode)?.Name;
        var data = new SheetData(new Row(
            TextCell(strings, "A", 1, SubmissionContract.KeyValueFieldColumn.TemplateHeader, HeaderStyle),
            TextCell(strings, "B", 1, SubmissionContract.KeyValueValueColumn.TemplateHeader, HeaderStyle)) { RowIndex = 1 });
        var validations = new List<DataValidation>();
        var rowNumber = 1u;
        // The station's name under its code, the template version last: both read past by the reader.
        var lines = section.Fields.Select(f => (Field: f, Value: values.GetValueOrDefault(f.Key), Locked: SectionParser.HeaderFields.Contains(f))).ToList();
        if (section.FindAnnotation(SubmissionContract.StationName.Key) is { } nameRow && stationName is not null)
        {
            lines.Insert(1, (nameRow, stationName, true));
        }

        if (section.FindAnnotation(SubmissionContract.TemplateVersion.Key) is { } versionRow)
        {
            lines.Add((versionRow, TemplateVersion, true));
        }

        foreach (var (field, value, locked) in lines)
        {
            rowNumber++;
            var row = new Row(TextCell(strings, "A", rowNumber, field.TemplateHeader, KeyStyle)) { RowIndex = rowNumber };
            if (ValueCell(strings, field, "B", rowNumber, value, locked) is { } cell)
            {
                row.AppendChild(cell);
            }

            data.AppendChild(row);
            if (!locked && Check(field, $"B{rowNumber}") is { } validation)
            {
                validations.Add(validation);
            }
        }

        return Sheet(
            [
                new Column { Min = 1, Max = 1, Width = 30, CustomWidth = true, Style = KeyStyle },
                new Column { Min = 2, Max = 2, Width = 24, CustomWidth = true, Style = InputStyle },
            ],
            data,
            validations);
    }

    private static Worksheet RowsSheet(SectionDefinition section, IReadOnlyList<IReadOnlyDictionary<string, object?>> rows, ReferenceData? reference, SharedStrings strings)
    {
        var columns = Layout(section);
        var header = new Row { RowIndex = 1 };
        for (var i = 0; i < columns.Count; i++)
        {
            header.AppendChild(TextCell(strings, SourceLocation.ColumnLetter(i), 1, columns[i].Field.TemplateHeader, HeaderStyle));
        }

        var data = new SheetData(header);
        var rowNumber = 1u;
        foreach (var values in rows)
        {
            rowNumber++;
            var row = new Row { RowIndex = rowNumber };
            for (var i = 0; i < columns.Count; i++)
            {
                var (field, locked) = columns[i];
                var value = field == SubmissionContract.VillageName
                    ? values.GetValueOrDefault("village_code") is string code ? reference?.FindRegion(code)?.Name : null
                    : values.GetValueOrDefault(field.Key);
                if (ValueCell(strings, field, SourceLocation.ColumnLetter(i), rowNumber, value, locked) is { } cell)
                {
                    row.AppendChild(cell);
                }
            }

            data.AppendChild(row);
        }

        var lastValidated = rowNumber + SpareValidatedRows;
        var sheetColumns = new List<Column>();
        var validations = new List<DataValidation>();
        for (var i = 0; i < columns.Count; i++)
        {
            var (field, locked) = columns[i];
            var letter = SourceLocation.ColumnLetter(i);
            // Codes typed into a text column stay text: 440103001001 does not become 4.40103E+11.
            var text = field.Kind is FieldKind.Code or FieldKind.Text or FieldKind.Period;
            sheetColumns.Add(new Column
            {
                Min = (uint)i + 1,
                Max = (uint)i + 1,
                Width = Math.Max(12, Math.Min(40, field.TemplateHeader.Length * 1.6)),
                CustomWidth = true,
                Style = locked ? KeyStyle : text ? InputTextStyle : InputStyle,
            });

            if (!locked && Check(field, string.Create(CultureInfo.InvariantCulture, $"{letter}2:{letter}{lastValidated}")) is { } validation)
            {
                validations.Add(validation);
            }
        }

        return Sheet(sheetColumns, data, validations);
    }

    /// <summary>
    /// The columns of a rows sheet: the section's fields with the village's name after its code, and whether each
    /// is locked. The keys the template prefills (villages, target groups, fund sources) are locked; the hotline's
    /// lines are the station's to add, so its sheet is open.
    /// </summary>
    private static List<(FieldDefinition Field, bool Locked)> Layout(SectionDefinition section)
    {
        var prefilled = section != SubmissionContract.Hotline;
        var columns = new List<(FieldDefinition, bool)>();
        foreach (var field in section.Fields)
        {
            columns.Add((field, prefilled && section.KeyFields.Contains(field.Key)));
            if (field.Key == "village_code" && section.FindAnnotation(SubmissionContract.VillageName.Key) is { } name)
            {
                columns.Add((name, true));
            }
        }

        return columns;
    }

    private static Worksheet Sheet(IEnumerable<Column> columns, SheetData data, List<DataValidation> validations)
    {
        // The header row stays in view while a station scrolls through its villages.
        var view = new SheetView(
            new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen },
            new Selection { Pane = PaneValues.BottomLeft, ActiveCell = "A2", SequenceOfReferences = new ListValue<StringValue> { InnerText = "A2" } })
        {
            WorkbookViewId = 0,
        };
        var worksheet = new Worksheet(new SheetViews(view), new Columns(columns), data, Protection());
        if (validations.Count > 0)
        {
            worksheet.AppendChild(new DataValidations(validations) { Count = (uint)validations.Count });
        }

        return worksheet;
    }

    /// <summary>
    /// Sheet protection without a password: it keeps prefilled codes and names from being typed over by accident,
    /// not out of reach (the reader checks everything anyway). Selecting, formatting and sorting stay allowed.
    /// </summary>
    private static SheetProtection Protection() => new()
    {
        Sheet = true,
        Objects = true,
        Scenarios = true,
        FormatCells = false,
        FormatColumns = false,
        FormatRows = false,
        Sort = false,
        AutoFilter = false,
    };

    /// <summary>
    /// The cell of a value: text as a shared string, numbers as numeric cells, enums as their Chinese label; null
    /// for missing. Locked cells (codes, names) are shaded; the others are open for the station.
    /// </summary>
    private static Cell? ValueCell(SharedStrings strings, FieldDefinition field, string column, uint row, object? value, bool locked) => value switch
    {
        null => null,
        long or int or decimal or double => new Cell
        {
            CellReference = column + row.ToString(CultureInfo.InvariantCulture),
            CellValue = new CellValue(SubmissionFields.Text(value)!),
            StyleIndex = locked ? KeyStyle : InputStyle,
        },
        _ => TextCell(
            strings, column, row,
            field.Enum?.Find(SubmissionFields.Text(value)!)?.Label ?? SubmissionFields.Text(value)!,
            locked ? KeyStyle : field.Kind is FieldKind.Code or FieldKind.Period or FieldKind.Text ? InputTextStyle : InputStyle),
    };

    private static Cell TextCell(SharedStrings strings, string column, uint row, string text, uint style)
    {
        var cell = new Cell
        {
            CellReference = column + row.ToString(CultureInfo.InvariantCulture),
            DataType = CellValues.SharedString,
            CellValue = new CellValue(strings.IndexOf(text).ToString(CultureInfo.InvariantCulture)),
        };
        if (style != DefaultStyle)
        {
            cell.StyleIndex = style;
        }

        return cell;
    }

    /// <summary>The data validation Excel applies while a station types: a drop-down for enums, a number check for figures.</summary>
    private static DataValidation? Check(FieldDefinition field, string range)
    {
        var validation = field.Kind switch
        {
            FieldKind.Enum when field.Enum is not null => new DataValidation(
                new Formula1($"\"{string.Join(',', field.Enum.Values.Select(v => v.Label))}\""))
            {
                Type = DataValidationValues.List,
                ErrorTitle = "请从列表中选择",
                Error = $"请选择：{string.Join('、', field.Enum.Values.Select(v => v.Label))} / Choose a value from the list.",
            },
            FieldKind.Count => new DataValidation(new Formula1("0"))
            {
                Type = DataValidationValues.Whole,
                Operator = DataValidationOperatorValues.GreaterThanOrEqual,
                ErrorTitle = "请填写非负整数",
                Error = "请填写 0 或正整数。/ Write 0 or a positive whole number.",
            },
            FieldKind.Money or FieldKind.Hours => new DataValidation(new Formula1("0"))
            {
                Type = DataValidationValues.Decimal,
                Operator = DataValidationOperatorValues.GreaterThanOrEqual,
                ErrorTitle = "请填写非负数",
                Error = "请填写 0 或正数。/ Write 0 or a positive number.",
            },
            _ => null,
        };
        if (validation is not null)
        {
            validation.AllowBlank = true;
            validation.ShowErrorMessage = true;
            validation.SequenceOfReferences = new ListValue<StringValue> { InnerText = range };
        }

        return validation;
    }

    private static Stylesheet Styles() => new(
        new Fonts(
            new Font(new FontSize { Val = 11 }, new FontName { Val = "等线" }),
            new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "等线" }),
            new Font(new Bold(), new FontSize { Val = 14 }, new FontName { Val = "等线" }))
        { Count = 3 },
        new Fills(
            new Fill(new PatternFill { PatternType = PatternValues.None }),
            new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
            new Fill(new PatternFill(new ForegroundColor { Rgb = "FFDDEBF7" }) { PatternType = PatternValues.Solid }),
            new Fill(new PatternFill(new ForegroundColor { Rgb = "FFF2F2F2" }) { PatternType = PatternValues.Solid }))
        { Count = 4 },
        new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 },
        new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
        new CellFormats(
            new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0 },
            new CellFormat { NumberFormatId = 49, FontId = 1, FillId = 2, BorderId = 0, FormatId = 0, ApplyFont = true, ApplyFill = true, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 49, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 0, FontId = 2, FillId = 0, BorderId = 0, FormatId = 0, ApplyFont = true },
            new CellFormat { NumberFormatId = 49, FontId = 0, FillId = 3, BorderId = 0, FormatId = 0, ApplyFill = true, ApplyNumberFormat = true },
            new CellFormat(new Protection { Locked = false }) { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyProtection = true },
            new CellFormat(new Protection { Locked = false }) { NumberFormatId = 49, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true, ApplyProtection = true })
        { Count = 7 },
        new CellStyles(new CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }) { Count = 1 });

    /// <summary>The workbook's shared string table, each text stored once.</summary>
    private sealed class SharedStrings(SharedStringTablePart part)
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
        private readonly SharedStringTable _table = new();

        public int IndexOf(string text)
        {
            if (!_index.TryGetValue(text, out var index))
            {
                index = _index.Count;
                _index[text] = index;
                var element = new Text(text);
                if (text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])))
                {
                    element.Space = SpaceProcessingModeValues.Preserve;
                }

                _table.AppendChild(new SharedStringItem(element));
            }

            return index;
        }

        public void Save()
        {
            _table.Count = (uint)_index.Count;
            _table.UniqueCount = (uint)_index.Count;
            part.SharedStringTable = _table;
        }
    }
}
