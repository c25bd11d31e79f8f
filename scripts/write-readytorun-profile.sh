#!/usr/bin/env bash
# Writes a crossgen2 profile (.mibc files) of what a fresh process still compiles at run time when published
# ReadyToRun: the methods the runtime lists while the bench runs what a new instance runs first, a correction's build
# of the last month and of June on a province's staged year and a first upload of each format. Measured in
# docs/benchmarks.md ("Round 16"), not used by the project's publishes: to publish the bench (or the Functions app) with
# it, delete bench/ReportingPipeline.Bench/obj/Release/net10.0/linux-x64/R2R and add
#   '-p:PublishReadyToRunCrossgen2ExtraArgs=--opt-cross-module:*%3B--non-local-generics-module:*%3B--mibc:OUT/correction-last-month.mibc%3B...'
# Usage: scripts/write-readytorun-profile.sh [OUT] [WORK]; OUT defaults to /tmp/rp-readytorun-profile/profile, WORK (a
# published bench and a staged province, about seven minutes; emptied first) to /tmp/rp-readytorun-profile/work.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/rp-readytorun-profile/profile}"
work="${2:-/tmp/rp-readytorun-profile/work}"
r2r=bench/ReportingPipeline.Bench/obj/Release/net10.0/linux-x64/R2R
rm -rf "$work" "$r2r"
mkdir -p "$work" "$out"
dotnet publish bench/ReportingPipeline.Bench -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$work/bin"
bench() { DOTNET_GCHeapHardLimit=0x60000000 dotnet "$work/bin/ReportingPipeline.Bench.dll" child "$@" >/dev/null; }
bench stage --store "$work/guangdong" --scale guangdong --months 12
bench build --store "$work/guangdong" --months 12
rm -f "$out"/*.mibc
bench resubmit --store "$work/guangdong" --months 12 --period 2025-12 --jit-profile "$out/correction-last-month.mibc"
bench resubmit --store "$work/guangdong" --months 12 --period 2025-06 --jit-profile "$out/correction-mid-year.mibc"
for format in xlsx json zip; do
  bench first-upload --store "$work/first-$format" --dataset sample-data --format "$format" --jit-profile "$out/first-upload-$format.mibc"
done
ls -l "$out"
