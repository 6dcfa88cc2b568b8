// Broken on purpose: settings the app does not read (a renamed option and a misspelt key), and the Key Vault URI the
// app needs is missing.
param location string = resourceGroup().location

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-broken-settings'
  location: location
  kind: 'functionapp,linux'
  properties: {
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        { name: 'Ingestion__IncomingRetentionDay', value: '7' }
        { name: 'Telerad__KeyVaultUrl', value: 'https://kv-broken.vault.azure.net/' }
      ]
    }
  }
}
