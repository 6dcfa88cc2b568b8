// Key Vault: RBAC authorisation only (no access policies), purge protection, 90-day soft delete, public network
// access off with private networking. Holds secrets that scripts create, never a template (secret values must not
// pass through a deployment): per tenant, the de-identification secrets deid-{tenant}-pseudonym and deid-{tenant}-map
// (infra/scripts/onboard-tenant.sh), and link-signing-key, the HMAC key of radiologists' links
// (infra/scripts/rotate-link-key.sh). See docs/deployment.md.
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

@description('Principal id of the Function App identity: Key Vault Secrets User (reads the tenant keys and the link-signing key).')
param appPrincipalId string

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

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

// Secrets User on the vault rather than per secret: the secrets it reads are created after the deployment (one pair
// per tenant at onboarding, the link key by its script), and the vault holds nothing else.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
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
