// Data-plane role assignments on one storage account: each scoped to the narrowest resource that works (a container
// or a service of the account), never to the resource group or subscription.
@description('Storage account name.')
param accountName string

@description('Principal (object) id of the identity that receives the roles.')
param principalId string

@description('Blob roles per container: [{ container, roleId }].')
param containerRoles { container: string, roleId: string }[] = []

@description('Roles on the whole account (e.g. Table or Queue Data Contributor): role definition ids.')
param accountRoles string[] = []

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: accountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' existing = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' existing = [
  for role in containerRoles: {
    parent: blobService
    name: role.container
  }
]

resource containerAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (role, i) in containerRoles: {
    name: guid(containers[i].id, principalId, role.roleId)
    scope: containers[i]
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.roleId)
    }
  }
]

resource accountAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in accountRoles: {
    name: guid(account.id, principalId, roleId)
    scope: account
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]
