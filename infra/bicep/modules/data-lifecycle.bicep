// Lifecycle of the data account (flat namespace, versioning on): raw submissions cool down but are never
// deleted; only superseded versions of what the pipeline can rebuild are thrown away.

@description('The data storage account (existing, in this resource group).')
param storageAccountName string

@description('Days after upload at which raw submissions (and their previous versions) move to the cool tier.')
@minValue(30)
param submissionsCoolAfterDays int

@description('Days after which superseded versions of rebuildable blobs (reports, staging) are deleted.')
@minValue(7)
param rebuildableVersionRetentionDays int

// Reports and staging are rebuilt from submissions + reference, so only their old versions may be thrown
// away; submissions, reference and receipts keep every version.
var rebuildablePrefixes = [
  'reports/'
  'staging/'
]

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
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
          // Every re-upload rewrites a report and every rebuild rewrites staging copies; with versioning on,
          // the superseded copies would otherwise accumulate forever.
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
