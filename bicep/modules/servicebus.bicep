// Service Bus: Entra ID only (local SAS auth disabled), TLS 1.2, the topics and subscriptions of the message
// contract with duplicate detection (publishers set MessageId, so a retried activity publishes once) and
// dead-lettering of expired and undeliverable messages. Private networking needs the Premium tier.
@description('Namespace name.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('True: Premium tier, public network access disabled, reached through a private endpoint only.')
param privateNetworking bool

@description('Log Analytics workspace that receives the diagnostic settings.')
param workspaceId string

@description('Topics and their subscriptions (infra/main.bicep serviceBusTopics: one entry per topic of the message contract).')
param topics { name: string, subscriptions: string[] }[]

@description('Principal id of the Function App identity: Azure Service Bus Data Sender on each topic.')
param appPrincipalId string

var dataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
var subscriptions = flatten(map(topics, t => map(t.subscriptions, s => { topic: t.name, name: s })))

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: name
  location: location
  tags: tags
  sku: privateNetworking ? { name: 'Premium', tier: 'Premium', capacity: 1 } : { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
  }
}

resource serviceBusTopics 'Microsoft.ServiceBus/namespaces/topics@2022-10-01-preview' = [
  for topic in topics: {
    parent: namespace
    name: topic.name
    properties: {
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: 'PT1H'
      defaultMessageTimeToLive: 'P14D'
      enableBatchedOperations: true
    }
  }
]

resource topicSubscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2022-10-01-preview' = [
  for subscription in subscriptions: {
    parent: serviceBusTopics[indexOf(map(topics, t => t.name), subscription.topic)]
    name: subscription.name
    properties: {
      deadLetteringOnMessageExpiration: true
      deadLetteringOnFilterEvaluationExceptions: true
      maxDeliveryCount: 10
      lockDuration: 'PT1M'
      defaultMessageTimeToLive: 'P14D'
    }
  }
]

resource senders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (topic, i) in topics: {
    name: guid(serviceBusTopics[i].id, appPrincipalId, dataSender)
    scope: serviceBusTopics[i]
    properties: {
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSender)
    }
  }
]

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

output id string = namespace.id
output name string = namespace.name
output endpoint string = namespace.properties.serviceBusEndpoint
// What the Service Bus SDK calls the fully qualified namespace (sb-x.servicebus.windows.net): the host of the endpoint
// URL, so the cloud's own DNS suffix is used.
output fullyQualifiedNamespace string = parseUri(namespace.properties.serviceBusEndpoint).host
