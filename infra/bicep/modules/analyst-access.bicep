// Analysts read the marts and nothing else: Storage Blob Data Reader scoped to the `marts` container.

@description('The pipeline storage account (existing, in this resource group).')
param storageAccountName string

@description('Object ids of the Entra ID groups of province, city and district analysts.')
param analystGroupObjectIds string[]

var storageBlobDataReader = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource marts 'containers' existing = {
      name: 'marts'
    }
  }
}

resource martsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for groupId in analystGroupObjectIds: {
    name: guid(storage::blobService::marts.id, groupId, storageBlobDataReader)
    scope: storage::blobService::marts
    properties: {
      principalId: groupId
      principalType: 'Group'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataReader)
      description: 'Analysts: read the Parquet marts (Power BI), nothing else.'
    }
  }
]
