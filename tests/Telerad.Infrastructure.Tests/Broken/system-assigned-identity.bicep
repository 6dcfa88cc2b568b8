// Broken on purpose: the app runs as a system-assigned identity and its storage connection names no client id.
param location string = resourceGroup().location

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-broken-identity'
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        { name: 'AzureWebJobsStorage__blobServiceUri', value: 'https://stbroken.blob.${environment().suffixes.storage}' }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
      ]
    }
  }
}
