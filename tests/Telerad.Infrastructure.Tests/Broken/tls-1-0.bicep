// Broken on purpose: TLS 1.0 accepted.
param location string = resourceGroup().location

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: 'stbrokentls'
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_0'
    supportsHttpsTrafficOnly: true
  }
}
