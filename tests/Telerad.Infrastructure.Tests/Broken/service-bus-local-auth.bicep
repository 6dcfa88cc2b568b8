// Broken on purpose: SAS (local) authentication left on.
param location string = resourceGroup().location

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: 'sb-broken-local-auth'
  location: location
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: false
    minimumTlsVersion: '1.2'
  }
}
