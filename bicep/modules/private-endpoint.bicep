// One private endpoint for one sub-resource (blob, queue, table, namespace, vault) with its DNS zone group, so the
// resource's public name resolves to the private address inside the VNet.
@description('Private endpoint name.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Subnet of the private endpoints.')
param subnetId string

@description('Resource the endpoint connects to.')
param targetId string

@description('Sub-resource (group id): blob, queue, table, namespace, vault.')
param groupId string

@description('Private DNS zone for the group id.')
param dnsZoneId string

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: { id: subnetId }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetId
          groupIds: [ groupId ]
        }
      }
    ]
  }
}

resource zoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: groupId
        properties: { privateDnsZoneId: dnsZoneId }
      }
    ]
  }
}
