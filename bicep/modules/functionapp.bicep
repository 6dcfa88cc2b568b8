// The Function App on Flex Consumption (.NET isolated): HTTPS only, TLS 1.2, no FTP/SCM basic credentials, a
// user-assigned managed identity for everything (host storage, deployment package, the app's own connections,
// Application Insights ingestion with Entra ID), and App Service authentication (Entra ID) in front of every request.
// No app setting holds a key or a connection string with a secret.
@description('Function App name.')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the user-assigned identity (same resource group): the app\'s only identity.')
param identityName string

@description('Host storage account (AzureWebJobsStorage, Durable Azure Storage backend, deployment package).')
param hostStorageName string

@description('Container of the host storage account that holds the deployment package.')
param deploymentContainer string

@description('Application Insights component name.')
param appInsightsName string

@description('Log Analytics workspace that receives the diagnostic settings.')
param workspaceId string

@description('Subnet (delegated to Microsoft.App/environments) for outbound VNet integration; empty: none.')
param subnetId string

@description('The application\'s own settings (Telerad, TeleradStorage, Ingestion, ...): name to value.')
param appSettings object

@description('Settings whose value names the app\'s own address: {defaultHostName} in a value becomes the site\'s default host name (known only once the site exists).')
param hostNameSettings object

@description('Client id (application id) of the Entra app registration that App Service authentication validates tokens for.')
param authClientId string

@description('Entra tenant id of that app registration (the token issuer).')
param authTenantId string

@description('Paths App Service authentication lets through without a token: only endpoints the Functions host protects itself with a system key.')
param authExcludedPaths string[]

@description('Most instances Flex Consumption scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory per instance.')
@allowed([ 512, 2048, 4096 ])
param instanceMemoryMB int

var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

var identityId = identity.id
var identityClientId = identity.properties.clientId

resource hostStorage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: hostStorageName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// Host settings: identity-based AzureWebJobsStorage (blob, queue, table: the Durable Azure Storage backend uses all
// three) and Entra ID ingestion into Application Insights.
var platformSettings = {
  AzureWebJobsStorage__blobServiceUri: hostStorage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: hostStorage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: hostStorage.properties.primaryEndpoints.table
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
  }
}

// App settings as the site's appsettings configuration (the whole set, replaced on every deployment) rather than in
// siteConfig: a child resource can name the site's default host name, which the site's own properties cannot.
resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(
    toObject(items(union(platformSettings, appSettings)), setting => setting.key, setting => string(setting.value)),
    toObject(items(hostNameSettings), setting => setting.key, setting => replace(string(setting.value), '{defaultHostName}', site.properties.defaultHostName))
  )
}

// App Service authentication (Easy Auth) with Entra ID: every request needs a valid access token for the app
// registration, else 401 (an API, so no login redirect); the platform then passes the caller to the code in
// X-MS-CLIENT-PRINCIPAL and strips that header from what clients send, which is why the reading API may trust it.
// No token store and no client secret: the app only validates bearer tokens, it never signs anyone in.
resource authentication 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: authExcludedPaths
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${authTenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [ authClientId, 'api://${authClientId}' ]
        }
      }
    }
    login: {
      tokenStore: { enabled: false }
    }
    httpSettings: {
      requireHttps: true
    }
  }
}

// Deployments authenticate with Entra ID (azd, az functionapp deploy), never with publishing user names/passwords.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}

resource siteDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

resource planDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: plan
  properties: {
    workspaceId: workspaceId
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

output id string = site.id
output name string = site.name
output defaultHostName string = site.properties.defaultHostName
