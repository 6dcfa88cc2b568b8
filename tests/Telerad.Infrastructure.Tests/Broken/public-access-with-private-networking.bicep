// Broken on purpose: private networking is on, but the vault keeps its public endpoint.
param location string = resourceGroup().location
param privateNetworking bool = true

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-broken-public'
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enablePurgeProtection: true
    publicNetworkAccess: privateNetworking ? 'Enabled' : 'Enabled'
  }
}
