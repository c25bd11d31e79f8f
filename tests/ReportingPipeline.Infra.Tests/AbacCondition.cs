using System.Text;
using System.Text.RegularExpressions;

namespace ReportingPipeline.Infra.Tests;

/// <summary>A storage request as an Azure ABAC condition sees it.</summary>
/// <param name="Action">Data action, e.g. <c>.../blobs/write</c>.</param>
/// <param name="SubOperation">E.g. <c>Blob.List</c>, or null.</param>
/// <param name="Container">Container name.</param>
/// <param name="BlobPath">Blob path inside the container (absent for listing).</param>
/// <param name="ListPrefix">The prefix a listing asks for (absent otherwise).</param>
public sealed record AbacRequest(string Action, string? SubOperation, string Container, string? BlobPath, string? ListPrefix = null)
{
    public const string Read = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
    public const string Write = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write";
    public const string Create = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action";
    public const string Delete = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete";

    public static AbacRequest ReadBlob(string container, string path) => new(Read, null, container, path);

    public static AbacRequest WriteBlob(string container, string path) => new(Write, null, container, path);

    public static AbacRequest CreateBlob(string container, string path) => new(Create, null, container, path);

    public static AbacRequest List(string container, string? prefix) => new(Read, "Blob.List", container, null, prefix);
}

/// <summary>
/// Evaluates the subset of the Azure role-assignment condition language (version 2.0) that the station
/// conditions use: ActionMatches, SubOperationMatches, StringEquals, StringLike, AND, OR, NOT/!, and
/// parentheses. Like Azure, it refuses AND and OR side by side without parentheses.
/// </summary>
public sealed partial class AbacCondition
{
    private readonly List<string> tokens;
    private int position;
    private AbacRequest request = null!;

    private AbacCondition(string condition) => tokens = Tokenize(condition);

    public static bool Allows(string condition, AbacRequest request)
    {
        var evaluator = new AbacCondition(condition) { request = request };
        var result = evaluator.Expression();
        if (evaluator.position != evaluator.tokens.Count)
        {
            throw new FormatException($"Unexpected '{evaluator.tokens[evaluator.position]}' at token {evaluator.position}");
        }
        return result;
    }

    private bool Expression()
    {
        var result = Unary();
        string? joiner = null;
        while (position < tokens.Count && tokens[position] is "AND" or "OR")
        {
            var op = tokens[position++];
            if (joiner is not null && joiner != op)
            {
                throw new FormatException("AND and OR at the same level need parentheses (Azure rejects this condition)");
            }
            joiner = op;
            var right = Unary();
            result = op == "AND" ? result && right : result || right;
        }
        return result;
    }

    private bool Unary()
    {
        if (Peek() is "!" or "NOT")
        {
            position++;
            return !Unary();
        }
        if (Peek() == "(")
        {
            position++;
            var inner = Expression();
            Expect(")");
            return inner;
        }
        var token = tokens[position++];
        if (token is "ActionMatches" or "SubOperationMatches")
        {
            Expect("{");
            var value = Literal();
            Expect("}");
            return token == "ActionMatches" ? Matches(request.Action, value) : request.SubOperation == value;
        }
        if (token.StartsWith('@'))
        {
            var actual = Attribute(token);
            var op = tokens[position++];
            var expected = Literal();
            return op switch
            {
                "StringEquals" => actual is not null && string.Equals(actual, expected, StringComparison.Ordinal),
                "StringLike" => actual is not null && Like(expected).IsMatch(actual),
                _ => throw new FormatException($"Operator {op} is not supported by this evaluator"),
            };
        }
        throw new FormatException($"Unexpected token '{token}'");
    }

    private string? Attribute(string token) => token switch
    {
        "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name]" => request.Container,
        "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path]" => request.BlobPath,
        "@Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:prefix]" => request.ListPrefix,
        _ => throw new FormatException($"Attribute {token} is not supported by this evaluator"),
    };

    private static bool Matches(string action, string pattern) =>
        pattern.EndsWith("/*", StringComparison.Ordinal) ? action.StartsWith(pattern[..^1], StringComparison.Ordinal) : action == pattern;

    /// <summary>StringLike: '*' any run, '?' one character, a backslash escapes either; case-sensitive, whole value.</summary>
    private static Regex Like(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                regex.Append(Regex.Escape(pattern[++i].ToString()));
            }
            else
            {
                regex.Append(c switch { '*' => ".*", '?' => ".", _ => Regex.Escape(c.ToString()) });
            }
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }

    private string Literal()
    {
        var token = tokens[position++];
        if (token.Length < 2 || token[0] != '\'' || token[^1] != '\'')
        {
            throw new FormatException($"Expected a quoted value, got {token}");
        }
        return token[1..^1];
    }

    private string? Peek() => position < tokens.Count ? tokens[position] : null;

    private void Expect(string token)
    {
        if (Peek() != token)
        {
            throw new FormatException($"Expected '{token}' at token {position}, got '{Peek()}'");
        }
        position++;
    }

    private static List<string> Tokenize(string condition) =>
        TokenPattern().Matches(condition).Select(match => match.Value).ToList();

    [GeneratedRegex(@"'(?:[^'\\]|\\.)*'|@\w+\[[^\]]*\]|[A-Za-z][\w.:]*|[(){}!]")]
    private static partial Regex TokenPattern();
}
