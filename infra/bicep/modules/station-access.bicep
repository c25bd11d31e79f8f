// One batch of stations: a conditioned role assignment per station group. main.bicep splits the
// province's ~1,600 stations into batches because an ARM resource loop holds at most 800 copies.

import { stationGroup, stationAccessCondition } from 'station-access-conditions.bicep'

@description('The pipeline storage account (existing, in this resource group).')
param storageAccountName string

@description('Resource id of the custom station uploader role definition.')
param roleDefinitionId string

@description('The stations of this batch.')
@maxLength(800)
param stations stationGroup[]

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource stationAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for station in stations: {
    name: guid(storage.id, station.groupObjectId, station.stationCode)
    scope: storage
    properties: {
      principalId: station.groupObjectId
      principalType: 'Group'
      roleDefinitionId: roleDefinitionId
      description: 'Station ${station.stationCode}: write submissions/{period}/${station.stationCode}/, read its own submissions and reports.'
      conditionVersion: '2.0'
      condition: stationAccessCondition(station.stationCode)
    }
  }
]
