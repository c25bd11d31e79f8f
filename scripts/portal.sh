#!/usr/bin/env bash
# The station portal on this machine, against Azurite: starts Azurite (in memory) on its usual ports, loads the
# sample reference, lets a demo user act for a sample station, and serves the portal at http://127.0.0.1:7071
# with the development sign-in. Ctrl+C stops both. Usage: scripts/portal.sh [SIGN-IN-NAME] [STATION]
set -euo pipefail
cd "$(dirname "$0")/.."
user="${1:-demo@station.example.cn}"
station="${2:-$(sed -n 2p sample-data/reference/stations.csv | cut -d, -f1)}"
storage="UseDevelopmentStorage=true"
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund
dotnet build functions/ReportingPipeline.Cli -c Release -v quiet -nologo
pipeline() { dotnet functions/ReportingPipeline.Cli/bin/Release/net10.0/pipeline.dll "$@"; }
node_modules/.bin/azurite --silent --skipApiVersionCheck --loose --inMemoryPersistence \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 &
azurite=$!
trap 'kill "$azurite" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/10000) 2>/dev/null && break; sleep 0.2; done
pipeline upload --storage "$storage" --container reference sample-data/reference/regions.csv regions.csv
pipeline upload --storage "$storage" --container reference sample-data/reference/stations.csv stations.csv
pipeline users add --storage "$storage" --station "$station" --user "$user"
echo "Open http://127.0.0.1:7071/ and sign in as $user (station $station)."
pipeline host --storage "$storage" --portal http://127.0.0.1:7071 --poll-seconds 1
