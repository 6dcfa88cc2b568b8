// Broken on purpose: an output carries the account key (kept in the deployment history for anyone with read access).
param location string = resourceGroup().location

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: 'stbrokenoutput'
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
  }
}

#disable-next-line outputs-should-not-contain-secrets
output storageKey string = account.listKeys().keys[0].value
