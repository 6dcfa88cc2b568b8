#!/usr/bin/env sh
# Post-deploy: create the Event Grid subscription that delivers BlobCreated events of `incoming` to the
# IngestInstance blob trigger. It needs the app's blobs_extension system key, which the Functions host creates
# when the deployed code first starts, so it cannot be part of the first provision.
# Runs as azd's postdeploy hook (the azd environment's values are in the environment) or by hand:
#   AZURE_ENV_NAME=prod AZURE_LOCATION=westeurope infra/scripts/subscribe-blob-events.sh [infra/prod.bicepparam]
set -eu
cd "$(dirname "$0")/../.."
PARAMS="${1:-infra/main.bicepparam}"
: "${AZURE_ENV_NAME:?set AZURE_ENV_NAME}"
: "${AZURE_LOCATION:?set AZURE_LOCATION}"
APP="${AZURE_FUNCTION_APP_NAME:-}"
RG="${AZURE_RESOURCE_GROUP:-rg-telerad-$AZURE_ENV_NAME}"
if [ -z "$APP" ]; then
  APP=$(az functionapp list -g "$RG" --query "[?tags.\"azd-service-name\"=='functions'].name | [0]" -o tsv)
fi

# Wait (up to 5 minutes) for the host to have created the key; the value is never printed.
i=0
until az functionapp keys list -g "$RG" -n "$APP" --query "systemKeys.blobs_extension" -o tsv 2>/dev/null | grep -q .; do
  i=$((i + 1))
  [ "$i" -gt 30 ] && { echo "the blobs_extension key of $APP did not appear; is the app running?" >&2; exit 1; }
  sleep 10
done

# main.bicepparam reads this variable; the per-environment files take it as an override.
export TELERAD_DEPLOY_EVENT_SUBSCRIPTION=true
if [ "$PARAMS" = "infra/main.bicepparam" ]; then
  az deployment sub create --name "telerad-$AZURE_ENV_NAME-events" --location "$AZURE_LOCATION" \
    --template-file infra/main.bicep --parameters "$PARAMS" --only-show-errors --output none
else
  az deployment sub create --name "telerad-$AZURE_ENV_NAME-events" --location "$AZURE_LOCATION" \
    --template-file infra/main.bicep --parameters "$PARAMS" --parameters deployEventSubscription=true --only-show-errors --output none
fi
echo "Event Grid subscription incoming-blob-created is in place for $APP."
