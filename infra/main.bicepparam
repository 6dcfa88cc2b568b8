// Parameters for `azd up` / `azd provision`: values come from the azd environment (azd env set NAME VALUE).
// Per-environment files for `az deployment sub create`: dev.bicepparam, prod.bicepparam.
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'dev')
param location = readEnvironmentVariable('AZURE_LOCATION', 'westeurope')
param privateNetworking = bool(readEnvironmentVariable('TELERAD_PRIVATE_NETWORKING', 'false'))
param durableBackend = readEnvironmentVariable('TELERAD_DURABLE_BACKEND', 'AzureStorage')
param healthDataServices = bool(readEnvironmentVariable('TELERAD_HEALTH_DATA_SERVICES', 'false'))
param deployEventSubscription = bool(readEnvironmentVariable('TELERAD_DEPLOY_EVENT_SUBSCRIPTION', 'false'))
param incomingRetentionDays = int(readEnvironmentVariable('TELERAD_INCOMING_RETENTION_DAYS', '7'))
// Required, no default: azd env set TELERAD_ENTRA_CLIENT_ID <app registration client id> and
// azd env set TELERAD_VIEWER_URL_TEMPLATE 'https://viewer.example.org/viewer?StudyInstanceUIDs={studyUid}&token={token}'
param entraClientId = readEnvironmentVariable('TELERAD_ENTRA_CLIENT_ID')
param viewerUrlTemplate = readEnvironmentVariable('TELERAD_VIEWER_URL_TEMPLATE')
