// Broken on purpose: shared key access left on (the Azure default).
param location string = resourceGroup().location

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: 'stbrokensharedkey'
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}
