using System.Text.Json.Serialization;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Core.Contract;

/// <summary>
/// The pipeline's own files, described at compile time (System.Text.Json's source generator) instead of by reflection
/// and emitted code at run time: a process that has just started reads the manifest, a month's inputs, the ledger and
/// staged files without first compiling a serializer for each. <see cref="PipelineJson"/>'s options use it, and fall
/// back to reflection for any other type; names, converters and the rest come from those options, as before.
/// </summary>
[JsonSerializable(typeof(MartManifest))]
[JsonSerializable(typeof(ManifestMonthInputs))]
[JsonSerializable(typeof(LedgerRecentChanges))]
[JsonSerializable(typeof(StagedSubmission))]
[JsonSerializable(typeof(LedgerEntry))]
internal sealed partial class PipelineJsonContext : JsonSerializerContext;
