// Optional Azure Health Data Services workspace with a DICOM service (de-identified studies for DICOMweb viewers)
// and a FHIR R4 service, Entra ID only; the app's identity gets DICOM Data Owner and FHIR Data Contributor on its
// service. With private networking, public access is off and the workspace has a private endpoint.
@description('Workspace name (letters and digits, 3-24).')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('True: public network access is disabled and the services are reached through a private endpoint.')
param privateNetworking bool

@description('Subnet of the private endpoints (private networking only).')
param privateEndpointsSubnetId string

@description('VNet to link the private DNS zones to (private networking only).')
param vnetId string

@description('Log Analytics workspace that receives the diagnostic settings.')
param workspaceId string

@description('Principal id of the Function App identity.')
param appPrincipalId string

var dicomDataOwner = '58a3b984-7adf-4c20-983a-32417c86fbc8'
var fhirDataContributor = '5a1fc7df-4bf1-4951-a576-89034ee01acd'
var publicNetworkAccess = privateNetworking ? 'Disabled' : 'Enabled'

resource workspace 'Microsoft.HealthcareApis/workspaces@2024-03-31' = {
  name: name
  location: location
  tags: tags
  properties: {
    publicNetworkAccess: publicNetworkAccess
  }
}

resource dicom 'Microsoft.HealthcareApis/workspaces/dicomservices@2024-03-31' = {
  parent: workspace
  name: 'dicom'
  location: location
  tags: tags
  properties: {
    publicNetworkAccess: publicNetworkAccess
  }
}

resource fhir 'Microsoft.HealthcareApis/workspaces/fhirservices@2024-03-31' = {
  parent: workspace
  name: 'fhir'
  location: location
  tags: tags
  kind: 'fhir-R4'
  properties: {
    publicNetworkAccess: publicNetworkAccess
    authenticationConfiguration: {
      authority: '${environment().authentication.loginEndpoint}${tenant().tenantId}'
      audience: 'https://${name}-fhir.fhir.azurehealthcareapis.com'
      smartProxyEnabled: false
    }
  }
}

resource dicomOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dicom.id, appPrincipalId, dicomDataOwner)
  scope: dicom
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dicomDataOwner)
  }
}

resource fhirContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(fhir.id, appPrincipalId, fhirDataContributor)
  scope: fhir
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', fhirDataContributor)
  }
}

resource dicomDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: dicom
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

resource fhirDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: fhir
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

// Private endpoint of the workspace (covers its DICOM and FHIR services) and the two zones it needs.
var zoneNames = [ 'privatelink.azurehealthcareapis.com', 'privatelink.dicom.azurehealthcareapis.com' ]

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for zone in zoneNames: if (privateNetworking) {
    name: zone
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (zone, i) in zoneNames: if (privateNetworking) {
    parent: zones[i]
    name: 'health-data-link'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: { id: vnetId }
    }
  }
]

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = if (privateNetworking) {
  name: '${name}-pe'
  location: location
  tags: tags
  properties: {
    subnet: { id: privateEndpointsSubnetId }
    privateLinkServiceConnections: [
      {
        name: '${name}-pe'
        properties: {
          privateLinkServiceId: workspace.id
          groupIds: [ 'healthcareworkspace' ]
        }
      }
    ]
  }
}

resource zoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = if (privateNetworking) {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      for (zone, i) in zoneNames: {
        name: replace(zone, '.', '-')
        properties: { privateDnsZoneId: zones[i].id }
      }
    ]
  }
}

output workspaceId string = workspace.id
output dicomServiceUrl string = dicom.properties.serviceUrl
output fhirServiceUrl string = 'https://${name}-fhir.fhir.azurehealthcareapis.com'
