using System.Text.RegularExpressions;

namespace ReportingPipeline.Presentation.Tests.PowerBi;

/// <summary>One line of a TMDL file and the lines nested under it (TMDL nests by tab indentation).</summary>
internal sealed record TmdlNode(int Depth, string Text, List<TmdlNode> Children)
{
    /// <summary>The value of a <c>key: value</c> property directly under this node, or null.</summary>
    public string? Property(string key) =>
        Children.FirstOrDefault(c => c.Text.StartsWith(key + ":", StringComparison.Ordinal))?.Text[(key.Length + 1)..].Trim();

    public bool HasFlag(string flag) => Children.Any(c => c.Text == flag);

    public IEnumerable<TmdlNode> Objects(string keyword) => Children.Where(c => c.Text.StartsWith(keyword + " ", StringComparison.Ordinal));

    /// <summary>The object's name: the text after the keyword, up to <c> =</c>, unquoted.</summary>
    public string Name
    {
        get
        {
            var rest = Text[(Text.IndexOf(' ', StringComparison.Ordinal) + 1)..];
            var equals = rest.StartsWith('\'') ? rest.IndexOf("' =", StringComparison.Ordinal) + 1 : rest.IndexOf(" =", StringComparison.Ordinal);
            return TmdlModel.Unquote((equals > 0 ? rest[..equals] : rest).Trim());
        }
    }

    public static List<TmdlNode> Parse(string text)
    {
        var roots = new List<TmdlNode>();
        var open = new Stack<TmdlNode>();
        foreach (var line in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith("///", StringComparison.Ordinal))
            {
                continue;
            }

            var depth = line.Length - line.TrimStart('\t').Length;
            var node = new TmdlNode(depth, line.Trim(), []);
            while (open.Count > 0 && open.Peek().Depth >= depth)
            {
                open.Pop();
            }

            (open.Count > 0 ? open.Peek().Children : roots).Add(node);
            open.Push(node);
        }

        return roots;
    }
}

/// <param name="SourceColumn">Null for a calculated column (<c>column name = DAX</c>).</param>
internal sealed record TmdlColumn(string Name, string DataType, string? SourceColumn, bool IsKey, string? SortByColumn, string? SummarizeBy, bool IsHidden = false);

internal sealed record TmdlMeasure(string Table, string Name, string Expression, string? FormatString, string? DisplayFolder);

internal sealed record TmdlTable(string Name, string? DataCategory, IReadOnlyList<TmdlColumn> Columns, IReadOnlyList<TmdlMeasure> Measures,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Hierarchies, string PartitionKind, string PartitionSource);

internal sealed record TmdlRelationship(string FromTable, string FromColumn, string ToTable, string ToColumn, string? CrossFiltering);

/// <summary>A semantic model read from its TMDL <c>definition/</c> folder: just what the tests check.</summary>
internal sealed partial record TmdlModel(IReadOnlyList<TmdlTable> Tables, IReadOnlyList<TmdlRelationship> Relationships, IReadOnlyList<string> TableRefs, string Expressions)
{
    public TmdlTable this[string name] => Tables.Single(t => t.Name == name);

    public IEnumerable<TmdlMeasure> Measures => Tables.SelectMany(t => t.Measures);

    public static TmdlModel Load(string definition)
    {
        var tables = Directory.EnumerateFiles(Path.Combine(definition, "tables"), "*.tmdl")
            .Order(StringComparer.Ordinal)
            .Select(f => ParseTable(File.ReadAllText(f)))
            .ToList();
        var relationships = TmdlNode.Parse(File.ReadAllText(Path.Combine(definition, "relationships.tmdl")))
            .Select(r =>
            {
                var (fromTable, fromColumn) = SplitColumn(r.Property("fromColumn")!);
                var (toTable, toColumn) = SplitColumn(r.Property("toColumn")!);
                return new TmdlRelationship(fromTable, fromColumn, toTable, toColumn, r.Property("crossFilteringBehavior"));
            })
            .ToList();
        var refs = TmdlNode.Parse(File.ReadAllText(Path.Combine(definition, "model.tmdl")))
            .Where(n => n.Text.StartsWith("ref table ", StringComparison.Ordinal))
            .Select(n => Unquote(n.Text["ref table ".Length..]))
            .ToList();
        return new TmdlModel(tables, relationships, refs, File.ReadAllText(Path.Combine(definition, "expressions.tmdl")));
    }

    public static string Unquote(string name) =>
        name.StartsWith('\'') && name.EndsWith('\'') ? name[1..^1].Replace("''", "'", StringComparison.Ordinal) : name;

    /// <summary>The <c>table[column]</c> references of a DAX expression.</summary>
    public static IEnumerable<(string Table, string Column)> ColumnReferences(string dax) =>
        ColumnReference().Matches(WithoutStrings(dax)).Select(m => (Unquote(m.Groups["table"].Value), m.Groups["column"].Value));

    /// <summary>The bare <c>[measure]</c> references of a DAX expression.</summary>
    public static IEnumerable<string> MeasureReferences(string dax) =>
        MeasureReference().Matches(WithoutStrings(dax)).Select(m => m.Groups["measure"].Value);

    private static string WithoutStrings(string dax) => StringLiteral().Replace(dax, "\"\"");

    private static (string Table, string Column) SplitColumn(string reference)
    {
        var dot = reference.StartsWith('\'') ? reference.IndexOf("'.", 1, StringComparison.Ordinal) + 1 : reference.IndexOf('.', StringComparison.Ordinal);
        return (Unquote(reference[..dot]), Unquote(reference[(dot + 1)..]));
    }

    private static TmdlTable ParseTable(string text)
    {
        var table = TmdlNode.Parse(text).Single(n => n.Text.StartsWith("table ", StringComparison.Ordinal));
        var columns = table.Objects("column")
            .Select(c => new TmdlColumn(c.Name, c.Property("dataType")!, c.Property("sourceColumn")!, c.HasFlag("isKey"), c.Property("sortByColumn") is { } s ? Unquote(s) : null, c.Property("summarizeBy"), c.HasFlag("isHidden")))
            .ToList();
        var measures = table.Objects("measure")
            .Select(m =>
            {
                var inline = m.Text[(m.Text.IndexOf(" =", StringComparison.Ordinal) + 2)..].Trim();
                var body = string.Join('\n', m.Children.Where(c => c.Depth >= m.Depth + 2).Select(c => c.Text));
                return new TmdlMeasure(table.Name, m.Name, inline.Length > 0 ? inline : body, m.Property("formatString"), m.Property("displayFolder"));
            })
            .ToList();
        var hierarchies = table.Objects("hierarchy").ToDictionary(
            h => h.Name,
            h => (IReadOnlyList<string>)[.. h.Objects("level").Select(l => Unquote(l.Property("column")!))]);
        var partition = table.Objects("partition").Single();
        var kind = partition.Text[(partition.Text.LastIndexOf('=') + 1)..].Trim();
        var source = partition.Children.Single(c => c.Text == "source =");
        return new TmdlTable(table.Name, table.Property("dataCategory"), columns, measures, hierarchies, kind, SourceText(text, source));
    }

    // The M text keeps its own leading spaces, so it is read from the raw lines rather than from the trimmed nodes.
    private static string SourceText(string text, TmdlNode source)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var start = Array.FindIndex(lines, l => l.Trim() == "source =") + 1;
        var body = lines.Skip(start).TakeWhile(l => l.StartsWith(new string('\t', source.Depth + 2), StringComparison.Ordinal));
        return string.Join('\n', body.Select(l => l[(source.Depth + 2)..])) + "\n";
    }

    [GeneratedRegex(@"(?<table>'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_]*)\[(?<column>[^\]]+)\]")]
    private static partial Regex ColumnReference();

    [GeneratedRegex(@"(?<![A-Za-z0-9_'\]])\[(?<measure>[^\]]+)\]")]
    private static partial Regex MeasureReference();

    [GeneratedRegex("\"(?:[^\"]|\"\")*\"")]
    private static partial Regex StringLiteral();
}
