// Telerad on Azure: one resource group per environment with everything the Functions app needs, secure by default.
// Subscription scope so that `azd up` and `az deployment sub create` create the resource group too (and tag it for
// azd); every resource below is deployed into that group by bicep/modules/*.bicep. See docs/deployment.md.
targetScope = 'subscription'

@description('Environment name (azd environment), e.g. dev or prod: lower-case letters, digits and hyphens, part of every resource name.')
@minLength(2)
@maxLength(12)
param environmentName string

@description('Azure region of every resource.')
param location string

@description('Tags applied to every resource (azd-env-name and telerad-environment are added).')
param tags object = {}

@description('True: a VNet, Function App VNet integration, private endpoints and private DNS zones; public network access off on storage, Service Bus (Premium), Key Vault and Health Data Services.')
param privateNetworking bool = false

@description('Durable Functions backend: the Azure Storage provider on the host account, or Durable Task Scheduler.')
@allowed([ 'AzureStorage', 'DurableTaskScheduler' ])
param durableBackend string = 'AzureStorage'

@description('Deploy an Azure Health Data Services workspace with DICOM and FHIR R4 services.')
param healthDataServices bool = false

@description('Create the Event Grid subscription for incoming BlobCreated (needs the deployed app\'s blobs_extension key: true on the second provision, see docs/deployment.md).')
param deployEventSubscription bool = false

@description('Days the lifecycle rule keeps `incoming` objects (the app setting Ingestion__IncomingRetentionDays).')
@minValue(1)
param incomingRetentionDays int = 7

@description('Delete `incoming` objects once processed (Ingestion__DeleteIncomingAfterProcessing).')
param deleteIncomingAfterProcessing bool = false

@description('Days the lifecycle rule keeps `quarantine` objects (refused uploads and their reasons).')
@minValue(1)
param quarantineRetentionDays int = 90

@description('Days the `audit` container\'s time-based retention (WORM) policy keeps every audit blob.')
@minValue(1)
@maxValue(146000)
param auditRetentionDays int = 2190

@description('Days deleted blobs, versions and containers stay recoverable.')
@minValue(1)
@maxValue(365)
param softDeleteDays int = 14

@description('Storage replication.')
@allowed([ 'Standard_LRS', 'Standard_ZRS', 'Standard_GZRS', 'Standard_RAGZRS' ])
param storageSku string = 'Standard_ZRS'

@description('Days Log Analytics keeps data.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 90

@description('Flex Consumption: most instances.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Flex Consumption: memory per instance (triage inference wants 4096).')
@allowed([ 512, 2048, 4096 ])
param instanceMemoryMB int = 4096

@description('Tenants (hospitals): app settings Telerad__Tenants__N__*, and the uploader identity that may write only incoming/{id}/.')
param tenants tenantType[] = []

@description('VNet address space and subnets (private networking only).')
param network { addressPrefix: string, functionsSubnetPrefix: string, privateEndpointsSubnetPrefix: string } = {
  addressPrefix: '10.40.0.0/16'
  functionsSubnetPrefix: '10.40.0.0/24'
  privateEndpointsSubnetPrefix: '10.40.1.0/24'
}

@description('Client id (application id) of the Entra app registration of the reading API: App Service authentication accepts only access tokens issued for it (docs/deployment.md, "App Service authentication").')
@minLength(36)
@maxLength(36)
param entraClientId string

@description('Entra tenant id of that app registration (default: the subscription\'s tenant).')
@minLength(36)
@maxLength(36)
param entraTenantId string = subscription().tenantId

@description('Viewer link in radiologists\' notifications (Links__ViewerUrlTemplate): an https URL with {studyUid} (de-identified Study Instance UID) and {token}, e.g. https://viewer.example.org/viewer?StudyInstanceUIDs={studyUid}&token={token}.')
param viewerUrlTemplate string

@description('How long links in notifications stay valid, a TimeSpan such as 12:00:00 (Links__Lifetime; at most 7 days; omit: the app\'s 12 hours).')
param linkLifetime string?

type referrerType = {
  @description('Referrer id (tenants.json): where reports of its studies go.')
  id: string
  @description('Referring Physician\'s Names (0008,0090) of its orders, DICOM person names such as Emergency^Department.')
  referringPhysicianNames: string[]
}

type tenantType = {
  @description('Tenant id: one path segment (letters, digits, ., _, -), the first segment of its blob names.')
  id: string
  @description('De-identification profile name or file (default reading).')
  deidentificationProfile: string?
  facilityId: string?
  jurisdiction: string?
  @description('Referrers recognised by the Referring Physician\'s Name of a study\'s instances (first match wins).')
  referrers: referrerType[]?
  @description('Referrer id (tenants.json) of studies whose Referring Physician\'s Name matches no configured referrer.')
  defaultReferrerId: string?
  @description('TimeSpan, e.g. 00:01:00.')
  quietPeriod: string?
  @description('Object id of the hospital\'s uploader identity (omit: no uploader yet).')
  uploaderPrincipalId: string?
  uploaderPrincipalType: ('ServicePrincipal' | 'User' | 'Group')?
}

// Names the app and the storage contract fix (docs/storage.md, functions/Telerad.Storage Containers).
var dataContainers = [ 'incoming', 'deid', 'quarantine', 'audit', 'models', 'config' ]
var dataTables = [ 'ingestion', 'instances', 'reidentification', 'audit', 'readingworklist' ]
var deploymentContainer = 'app-package'
var deadLetterContainer = 'eventgrid-deadletter'
// Topics of the message contract (functions/Telerad.Notifications): one entry per topic, with its subscriptions; the
// app's identity gets Data Sender on each.
var serviceBusTopics = [
  { name: 'radiologist-notifications', subscriptions: [ 'notification-delivery' ] }
  { name: 'operations-alerts', subscriptions: [ 'operations' ] }
  // Critical-result alerts to referring clinicians (docs/critical-results.md); the paging/phone service subscribes.
  { name: 'critical-results', subscriptions: [ 'critical-result-delivery' ] }
]

var token = uniqueString(subscription().id, environmentName, location)
var allTags = union(tags, { 'azd-env-name': environmentName, 'telerad-environment': environmentName })
// Task hub names are letters and digits only (Azure Storage backend).
var taskHubName = 'telerad${toLower(replace(replace(environmentName, '-', ''), '_', ''))}'

// Names are fixed at compile time (not taken from module outputs) so that what-if and `bicep snapshot` resolve
// every resource id; modules that need another module's resource name it and say so with dependsOn.
var names = {
  identity: 'id-telerad-${environmentName}'
  hostStorage: 'sttrh${token}'
  dataStorage: 'sttrd${token}'
  keyVault: 'kv-telerad-${token}'
  serviceBus: 'sb-telerad-${token}'
  functionApp: 'func-telerad-${token}'
  appInsights: 'appi-telerad-${environmentName}'
}

// Built-in data-plane roles (never Owner, Contributor or User Access Administrator).
var roles = {
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  blobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-telerad-${environmentName}'
  location: location
  tags: allTags
}

module identity '../bicep/modules/identity.bicep' = {
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: allTags
  }
}

module monitoring '../bicep/modules/monitoring.bicep' = {
  scope: rg
  params: {
    workspaceName: 'log-telerad-${environmentName}'
    appInsightsName: names.appInsights
    location: location
    tags: allTags
    retentionInDays: logRetentionDays
  }
}

module vnet '../bicep/modules/network.bicep' = if (privateNetworking) {
  scope: rg
  params: {
    name: 'vnet-telerad-${environmentName}'
    location: location
    tags: allTags
    addressPrefix: network.addressPrefix
    functionsSubnetPrefix: network.functionsSubnetPrefix
    privateEndpointsSubnetPrefix: network.privateEndpointsSubnetPrefix
    workspaceId: monitoring.outputs.workspaceId
  }
}

// Host storage: AzureWebJobsStorage, the Durable Azure Storage backend, the deployment package, dead letters.
module hostStorage '../bicep/modules/storage-account.bicep' = {
  scope: rg
  params: {
    name: names.hostStorage
    location: location
    tags: allTags
    skuName: storageSku
    privateNetworking: privateNetworking
    workspaceId: monitoring.outputs.workspaceId
    containers: [ deploymentContainer, deadLetterContainer ]
    lifecycleRules: [ { name: 'expire-dead-letters', prefix: '${deadLetterContainer}/', deleteAfterDays: 30 } ]
    softDeleteDays: softDeleteDays
  }
}

// Data storage: the storage contract of docs/storage.md.
module dataStorage '../bicep/modules/storage-account.bicep' = {
  scope: rg
  params: {
    name: names.dataStorage
    location: location
    tags: allTags
    skuName: storageSku
    privateNetworking: privateNetworking
    workspaceId: monitoring.outputs.workspaceId
    containers: dataContainers
    tables: dataTables
    immutableContainers: [ { name: 'audit', days: auditRetentionDays } ]
    lifecycleRules: [
      { name: 'expire-incoming', prefix: 'incoming/', deleteAfterDays: incomingRetentionDays }
      { name: 'expire-quarantine', prefix: 'quarantine/', deleteAfterDays: quarantineRetentionDays }
    ]
    softDeleteDays: softDeleteDays
  }
}

module hostStorageRoles '../bicep/modules/storage-roles.bicep' = {
  scope: rg
  params: {
    accountName: names.hostStorage
    principalId: identity.outputs.principalId
    accountRoles: [ roles.blobDataContributor, roles.queueDataContributor, roles.tableDataContributor ]
  }
  dependsOn: [ hostStorage ]
}

// The app on the data account: per container what it does (models and config are read-only), tables, and queues
// (the blob trigger's poison queue lives on the connection's account).
module dataStorageRoles '../bicep/modules/storage-roles.bicep' = {
  scope: rg
  params: {
    accountName: names.dataStorage
    principalId: identity.outputs.principalId
    containerRoles: [
      { container: 'incoming', roleId: roles.blobDataContributor }
      { container: 'deid', roleId: roles.blobDataContributor }
      { container: 'quarantine', roleId: roles.blobDataContributor }
      { container: 'audit', roleId: roles.blobDataContributor }
      { container: 'models', roleId: roles.blobDataReader }
      { container: 'config', roleId: roles.blobDataReader }
    ]
    accountRoles: [ roles.tableDataContributor, roles.queueDataContributor ]
  }
  dependsOn: [ dataStorage ]
}

module uploaders '../bicep/modules/tenant-uploaders.bicep' = {
  scope: rg
  params: {
    storageAccountName: names.dataStorage
    container: 'incoming'
    uploaders: map(filter(tenants, t => t.?uploaderPrincipalId != null), t => {
      tenant: t.id
      principalId: t.uploaderPrincipalId!
      principalType: t.?uploaderPrincipalType ?? 'ServicePrincipal'
    })
  }
  dependsOn: [ dataStorage ]
}

module keyVault '../bicep/modules/keyvault.bicep' = {
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: allTags
    privateNetworking: privateNetworking
    workspaceId: monitoring.outputs.workspaceId
    appPrincipalId: identity.outputs.principalId
  }
}

module serviceBus '../bicep/modules/servicebus.bicep' = {
  scope: rg
  params: {
    name: names.serviceBus
    location: location
    tags: allTags
    privateNetworking: privateNetworking
    workspaceId: monitoring.outputs.workspaceId
    topics: serviceBusTopics
    appPrincipalId: identity.outputs.principalId
  }
}

module scheduler '../bicep/modules/durable-task-scheduler.bicep' = if (durableBackend == 'DurableTaskScheduler') {
  scope: rg
  params: {
    name: 'dts-telerad-${token}'
    location: location
    tags: allTags
    taskHubName: taskHubName
    skuName: 'Dedicated'
    workspaceId: monitoring.outputs.workspaceId
    appPrincipalId: identity.outputs.principalId
  }
}

module healthData '../bicep/modules/health-data.bicep' = if (healthDataServices) {
  scope: rg
  params: {
    name: 'ahds${token}'
    location: location
    tags: allTags
    privateNetworking: privateNetworking
    privateEndpointsSubnetId: privateNetworking ? vnet!.outputs.privateEndpointsSubnetId : ''
    vnetId: privateNetworking ? vnet!.outputs.vnetId : ''
    workspaceId: monitoring.outputs.workspaceId
    appPrincipalId: identity.outputs.principalId
  }
}

// Private endpoints: storage (blob, queue, table of both accounts), Service Bus and Key Vault.
var storageEndpoints = [
  for kind in [ 'blob', 'queue', 'table' ]: { kind: kind }
]

module hostStorageEndpoints '../bicep/modules/private-endpoint.bicep' = [
  for endpoint in storageEndpoints: if (privateNetworking) {
    scope: rg
    params: {
      name: 'pe-${names.hostStorage}-${endpoint.kind}'
      location: location
      tags: allTags
      subnetId: vnet!.outputs.privateEndpointsSubnetId
      targetId: resourceId(subscription().subscriptionId, rg.name, 'Microsoft.Storage/storageAccounts', names.hostStorage)
      groupId: endpoint.kind
      dnsZoneId: endpoint.kind == 'blob' ? vnet!.outputs.blobZoneId : endpoint.kind == 'queue' ? vnet!.outputs.queueZoneId : vnet!.outputs.tableZoneId
    }
    dependsOn: [ hostStorage ]
  }
]

module dataStorageEndpoints '../bicep/modules/private-endpoint.bicep' = [
  for endpoint in storageEndpoints: if (privateNetworking) {
    scope: rg
    params: {
      name: 'pe-${names.dataStorage}-${endpoint.kind}'
      location: location
      tags: allTags
      subnetId: vnet!.outputs.privateEndpointsSubnetId
      targetId: resourceId(subscription().subscriptionId, rg.name, 'Microsoft.Storage/storageAccounts', names.dataStorage)
      groupId: endpoint.kind
      dnsZoneId: endpoint.kind == 'blob' ? vnet!.outputs.blobZoneId : endpoint.kind == 'queue' ? vnet!.outputs.queueZoneId : vnet!.outputs.tableZoneId
    }
    dependsOn: [ dataStorage ]
  }
]

module serviceBusEndpoint '../bicep/modules/private-endpoint.bicep' = if (privateNetworking) {
  scope: rg
  params: {
    name: 'pe-${names.serviceBus}'
    location: location
    tags: allTags
    subnetId: vnet!.outputs.privateEndpointsSubnetId
    targetId: resourceId(subscription().subscriptionId, rg.name, 'Microsoft.ServiceBus/namespaces', names.serviceBus)
    groupId: 'namespace'
    dnsZoneId: vnet!.outputs.serviceBusZoneId
  }
  dependsOn: [ serviceBus ]
}

module keyVaultEndpoint '../bicep/modules/private-endpoint.bicep' = if (privateNetworking) {
  scope: rg
  params: {
    name: 'pe-${names.keyVault}'
    location: location
    tags: allTags
    subnetId: vnet!.outputs.privateEndpointsSubnetId
    targetId: resourceId(subscription().subscriptionId, rg.name, 'Microsoft.KeyVault/vaults', names.keyVault)
    groupId: 'vault'
    dnsZoneId: vnet!.outputs.keyVaultZoneId
  }
  dependsOn: [ keyVault ]
}

// The app's identity as the app settings name it (its client id), the same resource the Function App is assigned.
resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  scope: rg
  name: names.identity
}

// The settings the app reads (functions/Telerad.Functions/Hosting/FunctionSettings.cs and the option records);
// tests/Telerad.Infrastructure.Tests checks these names against the app's code.
var storageSettings = {
  TeleradStorage__blobServiceUri: dataStorage.outputs.blobEndpoint
  TeleradStorage__queueServiceUri: dataStorage.outputs.queueEndpoint
  TeleradStorage__tableServiceUri: dataStorage.outputs.tableEndpoint
  TeleradStorage__credential: 'managedidentity'
  TeleradStorage__clientId: appIdentity.properties.clientId
}

var teleradSettings = {
  Telerad__KeyVaultUri: keyVault.outputs.uri
  Telerad__ManagedIdentityClientId: appIdentity.properties.clientId
  TeleradTaskHub: taskHubName
  Ingestion__IncomingRetentionDays: string(incomingRetentionDays)
  Ingestion__DeleteIncomingAfterProcessing: string(deleteIncomingAfterProcessing)
}

// Service Bus with the app's identity (the TokenCredential of Telerad__ManagedIdentityClientId): the namespace only.
var serviceBusSettings = {
  TeleradServiceBus__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
}

// Links in radiologists' notifications: the viewer, and the reading API on the app's own host name (filled in by
// the functionapp module once the site exists; host.json keeps the default /api route prefix).
var linkSettings = union(
  { Links__ViewerUrlTemplate: viewerUrlTemplate },
  linkLifetime == null ? {} : { Links__Lifetime: linkLifetime! }
)
var hostNameSettings = {
  Links__ApiBaseUrl: 'https://{defaultHostName}/api'
}

var tenantSettings = shallowMerge(flatten(map(range(0, length(tenants)), i => [
  { 'Telerad__Tenants__${i}__Id': tenants[i].id }
  tenants[i].?deidentificationProfile == null ? {} : { 'Telerad__Tenants__${i}__DeidentificationProfile': tenants[i].deidentificationProfile! }
  tenants[i].?facilityId == null ? {} : { 'Telerad__Tenants__${i}__FacilityId': tenants[i].facilityId! }
  tenants[i].?jurisdiction == null ? {} : { 'Telerad__Tenants__${i}__Jurisdiction': tenants[i].jurisdiction! }
  tenants[i].?defaultReferrerId == null ? {} : { 'Telerad__Tenants__${i}__DefaultReferrerId': tenants[i].defaultReferrerId! }
  tenants[i].?quietPeriod == null ? {} : { 'Telerad__Tenants__${i}__QuietPeriod': tenants[i].quietPeriod! }
])))

// Referrers as configuration binds lists: Telerad__Tenants__N__Referrers__M__Id and ...__ReferringPhysicianNames__K.
var referrerRows = flatten(map(range(0, length(tenants)), i => map(range(0, length(tenants[i].?referrers ?? [])), j => {
  prefix: 'Telerad__Tenants__${i}__Referrers__${j}'
  referrer: tenants[i].referrers![j]
})))
var referrerSettings = shallowMerge(flatten(map(referrerRows, r => concat(
  [ { '${r.prefix}__Id': r.referrer.id } ],
  map(range(0, length(r.referrer.referringPhysicianNames)), k => { '${r.prefix}__ReferringPhysicianNames__${k}': r.referrer.referringPhysicianNames[k] })
))))

// Durable Task Scheduler: host.json's storage provider is switched by host setting overrides; the connection names
// the identity, it holds no key.
var durableSettings = durableBackend == 'DurableTaskScheduler' ? {
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'azureManaged'
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${scheduler!.outputs.endpoint};Authentication=ManagedIdentity;ClientID=${appIdentity.properties.clientId}'
} : {}

module functionApp '../bicep/modules/functionapp.bicep' = {
  scope: rg
  params: {
    name: names.functionApp
    planName: 'plan-telerad-${environmentName}'
    location: location
    tags: allTags
    identityName: names.identity
    hostStorageName: names.hostStorage
    deploymentContainer: deploymentContainer
    appInsightsName: names.appInsights
    workspaceId: monitoring.outputs.workspaceId
    subnetId: privateNetworking ? vnet!.outputs.functionsSubnetId : ''
    appSettings: union(storageSettings, teleradSettings, serviceBusSettings, linkSettings, tenantSettings, referrerSettings, durableSettings)
    hostNameSettings: hostNameSettings
    authClientId: entraClientId
    authTenantId: entraTenantId
    // The blob extension's webhook, where Event Grid delivers BlobCreated events: Event Grid cannot present an Entra
    // token for this app, and the Functions host itself refuses a call without the blobs_extension system key
    // (the `code` of the subscription's URL). Every other path, /runtime/webhooks/durabletask included, needs a token.
    authExcludedPaths: [ '/runtime/webhooks/blobs' ]
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  // The app starts with its roles in place (host storage, data, Key Vault).
  dependsOn: [ hostStorage, hostStorageRoles, dataStorageRoles ]
}

module blobEvents '../bicep/modules/eventgrid.bicep' = {
  scope: rg
  params: {
    name: 'evgt-telerad-${environmentName}'
    location: location
    tags: allTags
    dataStorageName: names.dataStorage
    deadLetterStorageName: names.hostStorage
    deadLetterContainer: deadLetterContainer
    sourceContainer: 'incoming'
    functionAppName: names.functionApp
    functionName: 'IngestInstance'
    deployEventSubscription: deployEventSubscription
    workspaceId: monitoring.outputs.workspaceId
  }
  dependsOn: [ dataStorage, hostStorage, functionApp ]
}

// Names and endpoints only (azd stores outputs in the environment): no keys, no connection strings.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_HOSTNAME string = functionApp.outputs.defaultHostName
output MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output DATA_STORAGE_ACCOUNT string = dataStorage.outputs.name
output HOST_STORAGE_ACCOUNT string = hostStorage.outputs.name
output KEY_VAULT_NAME string = keyVault.outputs.name
output KEY_VAULT_URI string = keyVault.outputs.uri
output SERVICE_BUS_ENDPOINT string = serviceBus.outputs.endpoint
output EVENT_GRID_SYSTEM_TOPIC string = blobEvents.outputs.name
output TENANT_UPLOADER_ROLE_ID string = uploaders.outputs.roleDefinitionId
output DICOM_SERVICE_URL string = healthDataServices ? healthData!.outputs.dicomServiceUrl : ''
output FHIR_SERVICE_URL string = healthDataServices ? healthData!.outputs.fhirServiceUrl : ''
