#!/usr/bin/env bash
# The project's test command: installs what the tests need from the project's own files (Azurite from
# package-lock.json; the Bicep CLI arrives with `dotnet restore` from NuGet), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/azurite ] || [ ! -f node_modules/echarts/package.json ]; then
  npm ci --no-audit --no-fund
fi
dotnet test ReportingPipeline.Local.slnf --configuration Release "$@"
