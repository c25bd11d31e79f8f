// The pipeline's one storage account: raw submissions, reports, reference data, staging, the Parquet
// marts (read by Power BI's Data Lake connector, hence the hierarchical namespace) and the ledger table.
// It also hosts the Functions runtime's own state and deployment package, so that the app needs
// role assignments on exactly one account.

@description('Azure region.')
param location string

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Replication: ZRS or GZRS in production keeps the raw submissions through a zone outage.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string

@description('Days a deleted blob or container can still be restored.')
@minValue(7)
@maxValue(365)
param softDeleteRetentionDays int

@description('Days after upload at which raw submissions move to the cool tier.')
@minValue(30)
param submissionsCoolAfterDays int

@description('Days after which superseded versions of rebuildable blobs (marts, staging, reports) are deleted.')
@minValue(7)
param rebuildableVersionRetentionDays int

@description('Name of the container that holds the function app deployment package.')
param deploymentContainerName string

@description('Name of the container that receives Event Grid events that could not be delivered.')
param deadLetterContainerName string

@description('Name of the submission ledger table.')
param ledgerTableName string

@description('Log Analytics workspace that receives the blob audit log (who wrote or deleted what).')
param logAnalyticsWorkspaceId string

@description('Put a CanNotDelete lock on the account (production).')
param lockAccount bool

param tags object

// Containers the pipeline itself uses (Containers.All in ReportingPipeline.Core), plus the two operational ones.
var pipelineContainers = [
  'submissions'
  'reports'
  'reference'
  'marts'
  'staging'
  'receipts'
]

// Only the marts, staging and reports are rebuilt from submissions + reference, so only their old
// versions may be thrown away; submissions and reference keep every version.
var rebuildablePrefixes = [
  'marts/'
  'staging/'
  'reports/'
]

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
    isHnsEnabled: true
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
    isVersioningEnabled: true
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = [
  for container in concat(pipelineContainers, [deploymentContainerName, deadLetterContainerName]): {
    parent: blobService
    name: container
    properties: {
      publicAccess: 'None'
    }
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-06-01' = {
  parent: account
  name: 'default'
}

resource ledgerTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-06-01' = {
  parent: tableService
  name: ledgerTableName
}

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-06-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          // Raw uploads are read in their first months (re-validation, rebuilds); after that they are
          // kept for the record. Cool, never deleted: there is deliberately no delete action here.
          name: 'submissions-to-cool'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'submissions/'
              ]
            }
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterCreationGreaterThan: submissionsCoolAfterDays
                }
              }
              version: {
                tierToCool: {
                  daysAfterCreationGreaterThan: submissionsCoolAfterDays
                }
              }
            }
          }
        }
        {
          // Every mart rebuild rewrites Parquet files; with account-wide versioning the superseded copies
          // would otherwise accumulate forever.
          name: 'rebuildable-old-versions'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: rebuildablePrefixes
            }
            actions: {
              version: {
                delete: {
                  daysAfterCreationGreaterThan: rebuildableVersionRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

// Audit trail: every write and delete on blobs, with the caller's identity, lands in Log Analytics.
resource blobAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'blob-audit'
  scope: blobService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
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
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
output dfsEndpoint string = account.properties.primaryEndpoints.dfs
