// ReportingPipeline in Azure: one resource group holds the storage account, the Functions app on the
// Flex Consumption plan, monitoring, the Event Grid wiring and every role assignment.
// Deploy: see infra/README.md. Security properties are checked by tests/ReportingPipeline.Infra.Tests.

import { stationGroup, stationUploaderDataActions } from 'modules/station-access-conditions.bicep'

@description('Environment name, used in resource names and tags.')
@allowed([
  'dev'
  'prod'
])
param environmentName string

@description('Azure region of every resource. The region must offer the Flex Consumption plan.')
param location string = resourceGroup().location

@description('One Entra ID group per station; members may upload that station\'s submissions and read its reports.')
param stationGroups stationGroup[] = []

@description('Entra ID groups of analysts: read access to the marts container only.')
param analystGroupObjectIds string[] = []

@description('Power BI workspace (group) id whose dataset is refreshed after each mart build; empty for none.')
param powerBiWorkspaceId string = ''

@description('Power BI dataset id refreshed after each mart build; empty for none.')
param powerBiDatasetId string = ''

@description('Storage replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_ZRS'

@description('Days a deleted blob or container stays restorable.')
@minValue(7)
@maxValue(365)
param softDeleteRetentionDays int = 30

@description('Days after upload at which raw submissions move to the cool tier.')
@minValue(30)
param submissionsCoolAfterDays int = 365

@description('Days Log Analytics keeps logs and telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 90

@description('Daily Log Analytics ingestion cap in GB (-1 for none).')
param logDailyQuotaGb int = 1

@description('Flex Consumption: most instances the app may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Flex Consumption: memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Six-field cron schedule (UTC) of the nightly mart build.')
param martsSchedule string = '0 30 18 * * *'

@description('Six-field cron schedule (UTC) of the month close: 16:05 UTC on day 10 is 00:05 on day 11 in Asia/Shanghai, just after the default deadline.')
param closePeriodSchedule string = '0 5 16 10 * *'

@description('CanNotDelete lock on the storage account.')
param lockStorage bool = true

@description('Create the Event Grid subscriptions. Needs the function code deployed first (the blobs_extension key exists only then).')
param subscribeEventGrid bool = false

var baseName = 'rp-${environmentName}'
var suffix = uniqueString(resourceGroup().id)
var storageAccountName = take('strp${environmentName}${suffix}', 24)
var functionAppName = 'func-${baseName}-${suffix}'
var deploymentContainerName = 'app-package'
var deadLetterContainerName = 'eventgrid-deadletter'
var ledgerTableName = 'ledger'
var appInsightsName = 'appi-${baseName}'
var tags = {
  application: 'ReportingPipeline'
  environment: environmentName
}

// An ARM resource loop holds at most 800 copies; stations are assigned in batches well below that.
var stationBatchSize = 400
var stationBatchCount = (length(stationGroups) + stationBatchSize - 1) / stationBatchSize

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    baseName: baseName
    appInsightsName: appInsightsName
    retentionDays: logRetentionDays
    dailyQuotaGb: logDailyQuotaGb
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: storageAccountName
    skuName: storageSku
    softDeleteRetentionDays: softDeleteRetentionDays
    submissionsCoolAfterDays: submissionsCoolAfterDays
    rebuildableVersionRetentionDays: 30
    deploymentContainerName: deploymentContainerName
    deadLetterContainerName: deadLetterContainerName
    ledgerTableName: ledgerTableName
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    lockAccount: lockStorage
    tags: tags
  }
}

// Names are passed as compile-time values (not module outputs) so that what-if can predict every
// resource; the dependsOn lines carry the ordering instead.
module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  dependsOn: [
    storage
    monitoring
  ]
  params: {
    location: location
    baseName: baseName
    appName: functionAppName
    storageAccountName: storageAccountName
    deploymentContainerName: deploymentContainerName
    ledgerTableName: ledgerTableName
    appInsightsName: appInsightsName
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    martsSchedule: martsSchedule
    closePeriodSchedule: closePeriodSchedule
    powerBiWorkspaceId: powerBiWorkspaceId
    powerBiDatasetId: powerBiDatasetId
    tags: tags
  }
}

module eventGrid 'modules/event-grid.bicep' = {
  name: 'event-grid'
  dependsOn: [
    storage
    functionApp
  ]
  params: {
    location: location
    baseName: baseName
    storageAccountName: storageAccountName
    functionAppName: functionAppName
    deadLetterContainerName: deadLetterContainerName
    subscribe: subscribeEventGrid
    triggers: [
      {
        container: 'submissions'
        functionName: 'IngestSubmission'
      }
      {
        container: 'reference'
        functionName: 'ReferenceDataChanged'
      }
    ]
    tags: tags
  }
}

module analystAccess 'modules/analyst-access.bicep' = {
  name: 'analyst-access'
  dependsOn: [
    storage
  ]
  params: {
    storageAccountName: storageAccountName
    analystGroupObjectIds: analystGroupObjectIds
  }
}

// Read, create and overwrite blobs; no delete, no ACLs. Each assignment narrows it to one station's paths.
resource stationUploader 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'reporting-station-uploader')
  properties: {
    roleName: 'Reporting station uploader (${resourceGroup().name})'
    description: 'Upload monthly submissions and read reports; every assignment carries a condition that limits it to one station\'s folders.'
    type: 'CustomRole'
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: stationUploaderDataActions()
        notDataActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

module stationAccess 'modules/station-access.bicep' = [
  for batch in range(0, stationBatchCount): {
    name: 'station-access-${batch}'
    dependsOn: [
      storage
    ]
    params: {
      storageAccountName: storageAccountName
      roleDefinitionId: stationUploader.id
      stations: take(skip(stationGroups, batch * stationBatchSize), stationBatchSize)
    }
  }
]

output storageAccountName string = storage.outputs.name
output blobEndpoint string = storage.outputs.blobEndpoint
@description('Power BI: Azure Data Lake Storage Gen2 connector URL of the marts.')
output martsUrl string = '${storage.outputs.dfsEndpoint}marts'
output functionAppName string = functionApp.outputs.name
output functionAppPrincipalId string = functionApp.outputs.principalId
output eventGridSystemTopicName string = eventGrid.outputs.systemTopicName
