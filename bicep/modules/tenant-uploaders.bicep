// Per-tenant isolation of uploads (docs/storage.md "Per-tenant isolation"): each hospital's uploader identity may
// create and write blobs under `incoming/{tenant}/` and nothing else. Two layers:
//  - a custom role with only the blob write and append data actions: no read, list or delete, and none of the
//    container-level management actions (container delete, container write) that Storage Blob Data Contributor
//    carries and that a condition cannot restrict;
//  - an ABAC condition on each assignment that allows those actions only for blob paths starting with `{tenant}/`.
// Assignments are scoped to the `incoming` container.
@description('Data storage account name.')
param storageAccountName string

@description('The upload container.')
param container string

@description('Uploader identities: [{ tenant, principalId, principalType }] (principalType: ServicePrincipal, User or Group).')
param uploaders { tenant: string, principalId: string, principalType: ('ServicePrincipal' | 'User' | 'Group') }[]

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' existing = {
  parent: account
  name: 'default'
}

resource incoming 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' existing = {
  parent: blobService
  name: container
}

resource uploaderRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'telerad-tenant-uploader')
  properties: {
    // Role names are unique in the Entra tenant: the group and subscription make it so.
    roleName: 'Telerad tenant uploader (${resourceGroup().name}, ${subscription().subscriptionId})'
    description: 'Create and write blobs only (no read, list or delete); assignments add a condition on the tenant prefix.'
    type: 'CustomRole'
    assignableScopes: [ resourceGroup().id ]
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: [
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'
        ]
        notDataActions: []
      }
    ]
  }
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for uploader in uploaders: {
    name: guid(incoming.id, uploader.principalId, uploaderRole.name)
    scope: incoming
    properties: {
      principalId: uploader.principalId
      principalType: uploader.principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', uploaderRole.name)
      description: 'Uploads of tenant ${uploader.tenant}: ${container}/${uploader.tenant}/ only.'
      conditionVersion: '2.0'
      condition: '((!(ActionMatches{\'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write\'}) AND !(ActionMatches{\'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action\'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals \'${container}\' AND @Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith \'${uploader.tenant}/\'))'
    }
  }
]

output roleDefinitionId string = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', uploaderRole.name)
