#!/usr/bin/env bash
# Creates the Event Grid subscriptions that feed the blob triggers, once the function code is deployed.
#
# The webhook URL carries the app's `blobs_extension` system key, which the Functions host creates only
# after it has loaded code with a blob trigger. This script waits for that key, then redeploys main.bicep
# with subscribeEventGrid=true, so that the subscriptions stay defined in one place (modules/event-grid.bicep).
#
# usage: infra/scripts/subscribe-eventgrid.sh RESOURCE_GROUP dev|prod
#          manual path: reads the outputs of the deployment `reporting-pipeline`, redeploys with ENV.bicepparam
#        infra/scripts/subscribe-eventgrid.sh
#          azd's postdeploy hook (azure.yaml): reads azd's environment (AZURE_RESOURCE_GROUP, AZURE_ENV_NAME,
#          AZURE_LOCATION and the outputs AZURE_FUNCTION_APP_NAME, eventGridSystemTopicName), redeploys with
#          main.bicepparam, then records SUBSCRIBE_EVENT_GRID=true so later `azd provision` runs keep them.
set -euo pipefail

bicep_dir="$(cd "$(dirname "$0")/../bicep" && pwd)"

if [ $# -eq 2 ]; then
  resource_group=$1
  parameters="$bicep_dir/$2.bicepparam"
  deployment_name="reporting-pipeline"
  app=$(az deployment group show --resource-group "$resource_group" --name "$deployment_name" \
    --query properties.outputs.functionAppName.value --output tsv)
  topic=$(az deployment group show --resource-group "$resource_group" --name "$deployment_name" \
    --query properties.outputs.eventGridSystemTopicName.value --output tsv)
  azd_hook=false
elif [ $# -eq 0 ] && [ -n "${AZURE_RESOURCE_GROUP:-}" ] && [ -n "${AZURE_FUNCTION_APP_NAME:-}" ]; then
  resource_group=$AZURE_RESOURCE_GROUP
  # main.bicepparam reads AZURE_ENV_NAME and AZURE_LOCATION from this environment, as under azd provision.
  parameters="$bicep_dir/main.bicepparam"
  deployment_name="${AZURE_ENV_NAME:?}-eventgrid"
  app=$AZURE_FUNCTION_APP_NAME
  topic=${eventGridSystemTopicName:?output eventGridSystemTopicName missing from the azd environment}
  azd_hook=true
else
  echo "usage: $0 RESOURCE_GROUP dev|prod   (or with no arguments as azd's postdeploy hook)" >&2
  exit 2
fi
echo "Function app: $app (resource group $resource_group)"

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
  --parameters "$parameters" \
  --parameters subscribeEventGrid=true \
  --output none

if [ "$azd_hook" = true ]; then
  azd env set SUBSCRIBE_EVENT_GRID true
fi

az eventgrid system-topic event-subscription list --resource-group "$resource_group" --system-topic-name "$topic" \
  --query "[].{name:name, state:provisioningState, subject:filter.subjectBeginsWith}" --output table
