#!/usr/bin/env bash
# Onboards a station: creates its Entra ID security group, adds the given members (staff accounts or the
# station system's service principal, by object id), and records the station in stations.ENV.json.
# Access takes effect at the next deployment of main.bicep (reviewed like any code change).
#
# usage: infra/scripts/onboard-station.sh dev|prod STATION_CODE [MEMBER_OBJECT_ID ...]
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 dev|prod STATION_CODE [MEMBER_OBJECT_ID ...]" >&2
  exit 2
fi
environment=$1
station=$2
shift 2
if ! [[ "$station" =~ ^[0-9]{9}$ ]]; then
  echo "A station code is the town's nine-digit code, e.g. 440103001." >&2
  exit 2
fi
stations_file="$(cd "$(dirname "$0")/../bicep" && pwd)/stations.$environment.json"

if jq -e --arg code "$station" 'any(.[]; .stationCode == $code)' "$stations_file" >/dev/null; then
  echo "Station $station is already in $stations_file." >&2
  exit 1
fi

group_name="rp-$environment-station-$station"
group_id=$(az ad group list --display-name "$group_name" --query "[0].id" --output tsv)
if [ -z "$group_id" ]; then
  group_id=$(az ad group create --display-name "$group_name" --mail-nickname "$group_name" \
    --description "ReportingPipeline ($environment): uploads for station $station" --query id --output tsv)
fi
for member in "$@"; do
  az ad group member add --group "$group_id" --member-id "$member"
done

jq --arg code "$station" --arg group "$group_id" \
  '. + [{stationCode: $code, groupObjectId: $group}] | sort_by(.stationCode)' \
  "$stations_file" > "$stations_file.tmp"
mv "$stations_file.tmp" "$stations_file"
echo "Station $station -> group $group_name ($group_id) recorded in $stations_file; commit it and redeploy."
