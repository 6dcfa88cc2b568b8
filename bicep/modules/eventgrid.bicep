// Event Grid system topic on the data account and the subscription that delivers BlobCreated events for
// `incoming` to the Function App's blob extension endpoint (the IngestInstance Event Grid blob trigger).
// Undeliverable events are dead-lettered to a container of the host account, written with the topic's identity.
// The subscription needs the app's blobs_extension system key, which exists only once the app's code has been
// deployed and the host has started: it is created by a second provision (deployEventSubscription = true,
// docs/deployment.md "Post-deploy").
@description('System topic name.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Data storage account (the source of the events).')
param dataStorageName string

@description('Host storage account holding the dead-letter container.')
param deadLetterStorageName string

@description('Dead-letter container on the host storage account.')
param deadLetterContainer string

@description('Container whose BlobCreated events are delivered.')
param sourceContainer string

@description('Function App name.')
param functionAppName string

@description('Name of the blob-triggered function (Host.Functions.{name}).')
param functionName string

@description('Create the event subscription (needs the deployed app\'s blobs_extension key).')
param deployEventSubscription bool

@description('Log Analytics workspace that receives the diagnostic settings.')
param workspaceId string

var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource dataStorage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: dataStorageName
}

resource deadLetterStorage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: deadLetterStorageName
}

resource deadLetterBlobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' existing = {
  parent: deadLetterStorage
  name: 'default'
}

resource deadLetterBlobContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' existing = {
  parent: deadLetterBlobService
  name: deadLetterContainer
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2024-06-01-preview' = {
  name: name
  location: location
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: dataStorage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

// The topic writes dead letters with its own identity: Blob Data Contributor on that one container only.
resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(deadLetterBlobContainer.id, systemTopic.id, storageBlobDataContributor)
  scope: deadLetterBlobContainer
  properties: {
    principalId: systemTopic.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
  }
}

resource blobCreated 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2024-06-01-preview' = if (deployEventSubscription) {
  parent: systemTopic
  name: 'incoming-blob-created'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=${listKeys('${functionApp.id}/host/default', '2024-04-01').systemKeys.blobs_extension}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [ 'Microsoft.Storage.BlobCreated' ]
      subjectBeginsWith: '/blobServices/default/containers/${sourceContainer}/blobs/'
      enableAdvancedFilteringOnArrays: true
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: deadLetterStorage.id
          blobContainerName: deadLetterContainer
        }
      }
    }
  }
  dependsOn: [ deadLetterWriter ]
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: systemTopic
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

output id string = systemTopic.id
output name string = systemTopic.name
