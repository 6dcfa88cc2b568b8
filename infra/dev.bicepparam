// Development: public endpoints (Entra ID only, no keys), locally redundant storage, short retention.
using 'main.bicep'

param environmentName = 'dev'
param location = 'westeurope'
param tags = { 'cost-center': 'telerad-dev' }
param privateNetworking = false
param durableBackend = 'AzureStorage'
param healthDataServices = false
param deployEventSubscription = false
param incomingRetentionDays = 7
param quarantineRetentionDays = 30
param auditRetentionDays = 7
param softDeleteDays = 7
param storageSku = 'Standard_LRS'
param logRetentionDays = 30
param maximumInstanceCount = 10
param instanceMemoryMB = 4096
param tenants = [
  { id: 'demo-hospital', deidentificationProfile: 'reading', jurisdiction: 'US-CA', quietPeriod: '00:01:00' }
]
// Your Entra app registration and viewer (docs/deployment.md, "App Service authentication"): from the environment
// (the same variables azd uses), or replace them here with literals once you have them.
param entraClientId = readEnvironmentVariable('TELERAD_ENTRA_CLIENT_ID')
param viewerUrlTemplate = readEnvironmentVariable('TELERAD_VIEWER_URL_TEMPLATE')
