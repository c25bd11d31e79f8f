// Entra ID groups with one built-in data role on one container, nothing else: analysts read `marts`
// (marts account), reference-data administrators write `reference` (data account).

@description('The storage account that holds the container (existing, in this resource group).')
param storageAccountName string

@description('The container the role is scoped to.')
param containerName string

@description('Built-in role definition id (a GUID).')
param roleId string

@description('Object ids of the Entra ID groups.')
param groupObjectIds string[]

@description('What the assignment is for, shown in the portal.')
param purpose string

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource container 'containers' existing = {
      name: containerName
    }
  }
}

resource containerRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for groupId in groupObjectIds: {
    name: guid(storage::blobService::container.id, groupId, roleId)
    scope: storage::blobService::container
    properties: {
      principalId: groupId
      principalType: 'Group'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      description: purpose
    }
  }
]
