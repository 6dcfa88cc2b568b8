// Key Vault: RBAC authorisation only (no access policies), purge protection, 90-day soft delete, public network
// access off with private networking. Holds the link-signing key (created here, key material never leaves the
// vault) and, per tenant, the de-identification secrets deid-{tenant}-pseudonym and deid-{tenant}-map that the
// onboarding procedure creates (docs/deployment.md): secret values never pass through a template.
@description('Vault name (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('True: public network access is disabled and the vault is reached through a private endpoint only.')
param privateNetworking bool

@description('Log Analytics workspace that receives the diagnostic settings.')
param workspaceId string

@description('Principal id of the Function App identity: Key Vault Secrets User (reads the tenant keys) and Crypto User (signs links).')
param appPrincipalId string

@description('Days between automatic rotations of the link-signing key.')
@minValue(30)
param linkSigningRotationDays int

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultCryptoUser = '12338af0-0e69-4776-bea7-57ae8d297424'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'None'
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
    }
  }
}

// Signs radiologist viewer/accept links (ES256); rotated by Key Vault, old versions stay valid for verification.
resource linkSigningKey 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
  parent: vault
  name: 'link-signing'
  properties: {
    kty: 'EC'
    curveName: 'P-256'
    keyOps: [ 'sign', 'verify' ]
    rotationPolicy: {
      attributes: { expiryTime: 'P${linkSigningRotationDays * 2}D' }
      lifetimeActions: [
        {
          action: { type: 'rotate' }
          trigger: { timeAfterCreate: 'P${linkSigningRotationDays}D' }
        }
        {
          action: { type: 'notify' }
          trigger: { timeBeforeExpiry: 'P30D' }
        }
      ]
    }
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

resource cryptoUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(linkSigningKey.id, appPrincipalId, keyVaultCryptoUser)
  scope: linkSigningKey
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultCryptoUser)
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
output linkSigningKeyName string = linkSigningKey.name
