#!/usr/bin/env bash
# Creates the Event Grid subscriptions that feed the blob triggers, once the function code is deployed.
#
# The webhook URL carries the app's `blobs_extension` system key, which the Functions host creates only
# after it has loaded code with a blob trigger. This script waits for that key, then redeploys main.bicep
# with subscribeEventGrid=true, so that the subscriptions stay defined in one place (modules/event-grid.bicep).
#
# usage: infra/scripts/subscribe-eventgrid.sh RESOURCE_GROUP ENVIRONMENT   (ENVIRONMENT = dev | prod)
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 RESOURCE_GROUP dev|prod" >&2
  exit 2
fi
resource_group=$1
environment=$2
bicep_dir="$(cd "$(dirname "$0")/../bicep" && pwd)"
deployment_name="reporting-pipeline"

app=$(az deployment group show --resource-group "$resource_group" --name "$deployment_name" \
  --query properties.outputs.functionAppName.value --output tsv)
echo "Function app: $app"

key=""
for attempt in $(seq 1 30); do
  key=$(az functionapp keys list --resource-group "$resource_group" --name "$app" \
    --query "systemKeys.blobs_extension" --output tsv 2>/dev/null || true)
  if [ -n "$key" ]; then
    break
  fi
  echo "Waiting for the blobs_extension key (attempt $attempt/30): is the code published?"
  sleep 20
done
if [ -z "$key" ]; then
  echo "No blobs_extension key on $app. Publish the function code first (see infra/README.md)." >&2
  exit 1
fi

az deployment group create \
  --resource-group "$resource_group" \
  --name "$deployment_name" \
  --template-file "$bicep_dir/main.bicep" \
  --parameters "$bicep_dir/$environment.bicepparam" \
  --parameters subscribeEventGrid=true

az eventgrid system-topic event-subscription list --resource-group "$resource_group" \
  --system-topic-name "$(az deployment group show --resource-group "$resource_group" --name "$deployment_name" \
    --query properties.outputs.eventGridSystemTopicName.value --output tsv)" \
  --query "[].{name:name, state:provisioningState, subject:filter.subjectBeginsWith}" --output table
