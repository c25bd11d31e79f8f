#!/usr/bin/env bash
# Publishes the Azure Functions app and packs the zip a deployment uploads: artifacts/functions.zip (not committed).
# It checks that the package holds what the Functions host reads first: the worker config, the generated
# function metadata and host.json, the native Parquet writer (ParquetSharp's parquet-cpp) for Linux x64, and the
# app's own assemblies compiled ReadyToRun as Directory.Build.props asks (scripts/check-readytorun.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/artifacts/functions"
rm -rf "$out" artifacts/functions.zip
dotnet publish functions/ReportingPipeline.Functions/ReportingPipeline.Functions.csproj --configuration Release \
  --output "$out" -p:PackageZip="$PWD/artifacts/functions.zip" "$@"
for file in functions.metadata worker.config.json host.json ReportingPipeline.Functions.dll ParquetSharpNative.so; do
  [ -f "$out/$file" ] || { echo "The published app lacks $file" >&2; exit 1; }
done
node scripts/check-readytorun.mjs "$out"/ReportingPipeline.*.dll
[ -s artifacts/functions.zip ] || { echo "artifacts/functions.zip was not written" >&2; exit 1; }
echo "Functions app package: artifacts/functions.zip ($(du -h artifacts/functions.zip | cut -f1))"
