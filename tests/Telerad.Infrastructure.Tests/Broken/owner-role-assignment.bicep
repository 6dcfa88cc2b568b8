// Broken on purpose: Owner on the whole resource group (what many samples grant).
param principalId string = '33333333-3333-3333-3333-333333333333'

resource owner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, 'owner')
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')
  }
}

// Broken on purpose: a control-plane role (Storage Account Contributor: can list the account keys) on a resource.
resource account 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: 'stbrokenroles'
}

resource accountContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, principalId, 'storage-account-contributor')
  scope: account
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '17d1049b-9a84-46fb-8f53-869881c3d3ab')
  }
}
