// Broken on purpose: settings the app does not read (a renamed option, a misspelt key, a credential setting for a
// connection that takes the app's own credential), and settings the app needs are missing (Key Vault URI, Service
// Bus namespace, viewer link). Settings in both places a template can put them: siteConfig and config/appsettings.
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

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    TeleradServiceBus__credential: 'managedidentity'
  }
}
