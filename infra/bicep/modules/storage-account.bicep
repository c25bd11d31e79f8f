// One storage account of the pipeline, locked down the same way for all three (data, marts, host):
// Entra ID only (no account keys, no SAS, no anonymous reads), HTTPS with TLS 1.2, infrastructure
// encryption. main.bicep decides per account whether it has a hierarchical namespace, versioning,
// soft delete, an audit log and a lock.

@description('Azure region.')
param location string

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Replication: ZRS or GZRS in production keeps the data through a zone outage.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string

@description('Hierarchical namespace (Data Lake Storage Gen2). Only for the marts: with it, POSIX ACLs and folder ownership bypass role-assignment conditions.')
param hierarchicalNamespace bool

@description('Keep every previous version of every blob (not on an account with a hierarchical namespace).')
param versioning bool

@description('Days a deleted blob or container can still be restored; 0 for no soft delete.')
@minValue(0)
@maxValue(365)
param softDeleteRetentionDays int

@description('Blob containers of the account.')
param containers string[]

@description('Tables of the account.')
param tables string[] = []

@description('Origins whose pages may upload blobs straight to this account (the station portal); empty for none.')
param corsOrigins string[] = []

@description('Send the blob audit log (who wrote or deleted what) to Log Analytics.')
param auditLog bool = false

@description('Log Analytics workspace that receives the blob audit log.')
param auditWorkspaceId string = ''

@description('Put a CanNotDelete lock on the account.')
param lockAccount bool = false

param tags object

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    isHnsEnabled: hierarchicalNamespace
    // Entra ID only: no account keys, no account SAS, no anonymous reads.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      // Stations upload from the internet; identity, not network location, is the boundary.
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
    encryption: {
      keySource: 'Microsoft.Storage'
      requireInfrastructureEncryption: true
      services: {
        blob: {
          enabled: true
          keyType: 'Account'
        }
        file: {
          enabled: true
          keyType: 'Account'
        }
        table: {
          enabled: true
          keyType: 'Account'
        }
        queue: {
          enabled: true
          keyType: 'Account'
        }
      }
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: account
  name: 'default'
  properties: {
    // The station portal's page PUTs uploads straight here with a one-blob SAS: that origin, that verb, nothing else.
    cors: {
      corsRules: empty(corsOrigins)
        ? []
        : [
            {
              allowedOrigins: corsOrigins
              allowedMethods: [
                'PUT'
                'OPTIONS'
              ]
              allowedHeaders: [
                'x-ms-blob-type'
                'x-ms-version'
                'x-ms-client-request-id'
                'content-type'
                'content-length'
              ]
              exposedHeaders: [
                'x-ms-request-id'
                'etag'
              ]
              maxAgeInSeconds: 3600
            }
          ]
    }
    isVersioningEnabled: versioning
    deleteRetentionPolicy: {
      enabled: softDeleteRetentionDays > 0
      days: max(softDeleteRetentionDays, 1)
    }
    containerDeleteRetentionPolicy: {
      enabled: softDeleteRetentionDays > 0
      days: max(softDeleteRetentionDays, 1)
    }
  }
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = [
  for container in containers: {
    parent: blobService
    name: container
    properties: {
      publicAccess: 'None'
    }
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-06-01' = if (!empty(tables)) {
  parent: account
  name: 'default'
}

resource accountTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-06-01' = [
  for table in tables: {
    parent: tableService
    name: table
  }
]

// Audit trail: every write and delete on blobs, with the caller's identity, lands in Log Analytics.
resource blobAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (auditLog) {
  name: 'blob-audit'
  scope: blobService
  properties: {
    workspaceId: auditWorkspaceId
    logs: [
      {
        category: 'StorageWrite'
        enabled: true
      }
      {
        category: 'StorageDelete'
        enabled: true
      }
    ]
  }
}

resource lock 'Microsoft.Authorization/locks@2020-05-01' = if (lockAccount) {
  name: 'keep-raw-submissions'
  scope: account
  properties: {
    level: 'CanNotDelete'
    notes: 'Holds the raw station submissions of record. Remove only with the programme owner\'s approval.'
  }
}

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output tableEndpoint string = account.properties.primaryEndpoints.table
output dfsEndpoint string = account.properties.primaryEndpoints.dfs
