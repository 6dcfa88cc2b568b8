// Broken on purpose: one Function App without App Service authentication at all, and one whose authentication lets
// anonymous callers through, keeps a token store and excludes an API path and every webhook (a wildcard) from it.
// Its /runtime/webhooks/blobs exclusion is the one allowed kind (an extension webhook the host protects with a key).
param location string = resourceGroup().location

resource noAuth 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-broken-noauth'
  location: location
  kind: 'functionapp,linux'
  properties: {
    httpsOnly: true
    siteConfig: { minTlsVersion: '1.2' }
  }
}

resource anonymous 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-broken-anonymous'
  location: location
  kind: 'functionapp,linux'
  properties: {
    httpsOnly: true
    siteConfig: { minTlsVersion: '1.2' }
  }
}

resource anonymousAuth 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: anonymous
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
      excludedPaths: [ '/runtime/webhooks/blobs', '/api/reading', '/runtime/webhooks/*' ]
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: '66666666-6666-6666-6666-666666666666'
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: { allowedAudiences: [ 'api://66666666-6666-6666-6666-666666666666' ] }
      }
    }
    login: { tokenStore: { enabled: true } }
    httpSettings: { requireHttps: true }
  }
}
