// Production: private networking (VNet integration, private endpoints, public access off), zone-redundant storage,
// six years of immutable audit. Tenants are added here as they are onboarded (docs/deployment.md).
using 'main.bicep'

param environmentName = 'prod'
param location = 'westeurope'
param tags = { 'cost-center': 'telerad', 'data-classification': 'phi' }
param privateNetworking = true
param durableBackend = 'AzureStorage'
param healthDataServices = false
param deployEventSubscription = false
param incomingRetentionDays = 7
param quarantineRetentionDays = 90
param auditRetentionDays = 2190
param softDeleteDays = 30
param storageSku = 'Standard_ZRS'
param logRetentionDays = 365
param maximumInstanceCount = 100
param instanceMemoryMB = 4096
param tenants = []
// Your Entra app registration and viewer (docs/deployment.md, "App Service authentication"): from the environment
// (the same variables azd uses), or replace them here with literals once you have them.
param entraClientId = readEnvironmentVariable('TELERAD_ENTRA_CLIENT_ID')
param viewerUrlTemplate = readEnvironmentVariable('TELERAD_VIEWER_URL_TEMPLATE')
