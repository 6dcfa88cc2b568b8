// Broken on purpose: host storage through a connection string that embeds the account key.
param location string = resourceGroup().location

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: 'stbrokenhost'
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-broken-connection'
  location: location
  kind: 'functionapp,linux'
  properties: {
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        {
          name: 'AzureWebJobsStorage'
          value: 'DefaultEndpointsProtocol=https;AccountName=${account.name};AccountKey=${account.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
        }
      ]
    }
  }
}
