// A storage account that is secure by default: Entra ID only (shared key off, so no account keys or SAS signed with
// them), TLS 1.2, HTTPS only, no anonymous blob access, infrastructure (double) encryption, blob soft delete,
// versioning and container soft delete, public network access off when private networking is on. Containers,
// tables, an immutability policy and lifecycle rules are parameters, so the host and data accounts share it.
@description('Account name (3-24 lower-case letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Replication, e.g. Standard_ZRS (prod) or Standard_LRS (dev).')
@allowed([ 'Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS', 'Standard_RAGRS', 'Standard_RAGZRS' ])
param skuName string

@description('True: public network access is disabled and the account is reached through private endpoints only.')
param privateNetworking bool

@description('Log Analytics workspace that receives the diagnostic settings.')
param workspaceId string

@description('Blob containers to create.')
param containers string[]

@description('Tables to create.')
param tables string[] = []

@description('Containers with a time-based retention (WORM) policy: [{ name, days }]. Append writes stay allowed.')
param immutableContainers { name: string, days: int }[] = []

@description('Lifecycle rules: [{ name, prefix, deleteAfterDays }] (block and append blobs under the prefix).')
param lifecycleRules { name: string, prefix: string, deleteAfterDays: int }[] = []

@description('Days deleted blobs, versions and containers stay recoverable.')
@minValue(1)
@maxValue(365)
param softDeleteDays int

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: skuName }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
    }
    encryption: {
      keySource: 'Microsoft.Storage'
      requireInfrastructureEncryption: true
      services: {
        blob: { enabled: true, keyType: 'Account' }
        file: { enabled: true, keyType: 'Account' }
        queue: { enabled: true, keyType: 'Account' }
        table: { enabled: true, keyType: 'Account' }
      }
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: account
  name: 'default'
  properties: {
    isVersioningEnabled: true
    deleteRetentionPolicy: { enabled: true, days: softDeleteDays }
    containerDeleteRetentionPolicy: { enabled: true, days: softDeleteDays }
  }
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = [
  for container in containers: {
    parent: blobService
    name: container
    properties: {
      publicAccess: 'None'
      // Version-level WORM: compatible with versioning; the default policy below applies to every new version.
      immutableStorageWithVersioning: {
        enabled: contains(map(immutableContainers, c => c.name), container)
      }
    }
  }
]

resource immutabilityPolicies 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2024-01-01' = [
  for policy in immutableContainers: {
    parent: blobContainers[indexOf(containers, policy.name)]
    name: 'default'
    properties: {
      immutabilityPeriodSinceCreationInDays: policy.days
      allowProtectedAppendWrites: true
    }
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource storageTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = [
  for table in tables: {
    parent: tableService
    name: table
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource managementPolicy 'Microsoft.Storage/storageAccounts/managementPolicies@2024-01-01' = if (!empty(lifecycleRules)) {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        for rule in lifecycleRules: {
          name: rule.name
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [ 'blockBlob', 'appendBlob' ]
              prefixMatch: [ rule.prefix ]
            }
            actions: {
              baseBlob: { delete: { daysAfterCreationGreaterThan: rule.deleteAfterDays } }
              version: { delete: { daysAfterCreationGreaterThan: rule.deleteAfterDays } }
            }
          }
        }
      ]
    }
  }
}

// Diagnostic settings: metrics on the account, logs (reads, writes, deletes) on each service.
resource accountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: account
  properties: {
    workspaceId: workspaceId
    metrics: [ { category: 'Transaction', enabled: true } ]
  }
}

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'Transaction', enabled: true } ]
  }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tableService
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'Transaction', enabled: true } ]
  }
}

resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: queueService
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'Transaction', enabled: true } ]
  }
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
