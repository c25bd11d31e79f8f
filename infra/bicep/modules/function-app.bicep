// The Functions app on the Flex Consumption plan. It reaches storage and Application Insights with its
// system-assigned identity only: no account key, SAS or instrumentation-key write access anywhere.

param location string

@description('Name prefix, e.g. rp-prod.')
param baseName string

@description('Function app name (also the host name: {name}.azurewebsites.net).')
param appName string

@description('The pipeline storage account (existing, in this resource group).')
param storageAccountName string

@description('Container that holds the deployment package.')
param deploymentContainerName string

@description('Submission ledger table name.')
param ledgerTableName string

@description('Application Insights component (existing, in this resource group).')
param appInsightsName string

@description('Flex Consumption: most instances the app may scale out to (40-1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Flex Consumption: memory per instance.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Six-field cron schedule of the BuildMarts timer (UTC).')
param martsSchedule string

@description('Six-field cron schedule of the CloseReportingPeriod timer (UTC).')
param closePeriodSchedule string

@description('Power BI workspace (group) id; empty leaves the dataset refresh off.')
param powerBiWorkspaceId string

@description('Power BI dataset id; empty leaves the dataset refresh off.')
param powerBiDatasetId string

param tags object

// Built-in role definition ids (the same in every tenant).
var roles = {
  // The Functions host keeps leases and blob receipts in blobs; the docs ask for Owner on AzureWebJobsStorage.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Blob trigger poison queue and the host's internal queues.
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // The submission ledger.
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // Entra ID-authenticated telemetry into Application Insights (local auth is off).
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: 'plan-${baseName}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        // Identity-based host storage: service URIs, no connection string.
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__blobServiceUri'
          value: storage.properties.primaryEndpoints.blob
        }
        {
          name: 'AzureWebJobsStorage__queueServiceUri'
          value: storage.properties.primaryEndpoints.queue
        }
        {
          name: 'AzureWebJobsStorage__tableServiceUri'
          value: storage.properties.primaryEndpoints.table
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'Authorization=AAD'
        }
        // The pipeline's own options: Storage (StorageOptions), the timers' %BuildMartsSchedule% and
        // %CloseReportingPeriodSchedule%, and PowerBi (PowerBiOptions), as ReportingPipeline.Hosting binds them.
        {
          name: 'Storage__BlobServiceUri'
          value: storage.properties.primaryEndpoints.blob
        }
        {
          name: 'Storage__TableServiceUri'
          value: storage.properties.primaryEndpoints.table
        }
        {
          name: 'Storage__LedgerTable'
          value: ledgerTableName
        }
        {
          name: 'BuildMartsSchedule'
          value: martsSchedule
        }
        {
          name: 'CloseReportingPeriodSchedule'
          value: closePeriodSchedule
        }
        {
          name: 'PowerBi__Enabled'
          value: string(!empty(powerBiWorkspaceId) && !empty(powerBiDatasetId))
        }
        {
          name: 'PowerBi__WorkspaceId'
          value: powerBiWorkspaceId
        }
        {
          name: 'PowerBi__DatasetId'
          value: powerBiDatasetId
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
    }
  }
}

// Code goes out with Entra ID-authenticated deployments only (func publish / az functionapp deploy).
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource blobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, site.id, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    description: 'Function app: host storage, deployment package, and every pipeline container.'
  }
}

resource queueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, site.id, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    description: 'Function app: host queues and the blob trigger poison queue.'
  }
}

resource tableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, site.id, roles.storageTableDataContributor)
  scope: storage
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    description: 'Function app: the submission ledger.'
  }
}

resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, site.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    description: 'Function app: Entra ID-authenticated telemetry.'
  }
}

output name string = site.name
output id string = site.id
output principalId string = site.identity.principalId
output defaultHostName string = site.properties.defaultHostName
