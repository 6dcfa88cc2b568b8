// Durable Task Scheduler (the managed Durable Functions backend) and its task hub, reached with the app's identity
// (Durable Task Data Contributor on the task hub only).
@description('Scheduler name.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Task hub name (the app setting TeleradTaskHub).')
param taskHubName string

@description('Scheduler SKU.')
@allowed([ 'Consumption', 'Dedicated' ])
param skuName string

@description('Log Analytics workspace that receives the diagnostic settings.')
param workspaceId string

@description('Principal id of the Function App identity.')
param appPrincipalId string

var durableTaskDataContributor = '0ad04412-c4d5-4796-b79c-f76d14c8d402'

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    ipAllowlist: [ '0.0.0.0/0' ]
    sku: skuName == 'Dedicated' ? { name: 'Dedicated', capacity: 1 } : { name: 'Consumption' }
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

resource dataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(taskHub.id, appPrincipalId, durableTaskDataContributor)
  scope: taskHub
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', durableTaskDataContributor)
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: scheduler
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

output id string = scheduler.id
output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
