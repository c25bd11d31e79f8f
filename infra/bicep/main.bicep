// ReportingPipeline in Azure: one resource group holds three storage accounts (data, marts, host), the
// Functions app on the Flex Consumption plan, monitoring and alerts, the Event Grid wiring and every role
// assignment.
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

@description('Entra ID groups of reference-data administrators: write access to the reference container only (regions.csv, stations.csv).')
param referenceAdminGroupObjectIds string[] = []

@description('E-mail addresses that receive every alert (function failures, set-aside uploads, undelivered blob events).')
param operatorEmails string[] = []

@description('Power BI workspace (group) id whose dataset is refreshed after each mart build; empty for none.')
param powerBiWorkspaceId string = ''

@description('Power BI dataset id refreshed after each mart build; empty for none.')
param powerBiDatasetId string = ''

@description('Power BI REST API base URL. Azure operated by 21Vianet (China): https://api.powerbi.cn/v1.0/myorg/')
param powerBiApiBaseUrl string = 'https://api.powerbi.com/v1.0/myorg/'

@description('Entra ID token scope of the Power BI API. China: https://analysis.chinacloudapi.cn/powerbi/api/.default')
param powerBiScope string = 'https://analysis.windows.net/powerbi/api/.default'

@description('Entra ID authority host of the app identity\'s tokens: the deployment cloud\'s (https://login.microsoftonline.com/ in the global cloud, https://login.chinacloudapi.cn/ in China).')
param powerBiAuthorityHost string = environment().authentication.loginEndpoint

@description('Station portal: client id of the Entra ID app registration that App Service Authentication signs station staff in with. Empty: the app still requires authentication, so the portal stays closed until it is set.')
param portalClientId string = ''

@description('Station portal: the tenant that issues the staff\'s tokens (the province\'s, or an Entra External ID tenant for staff outside it).')
param portalTenantId string = tenant().tenantId

@description('Station portal: the OpenID issuer App Service Authentication trusts. Default: Entra ID in the deployment\'s cloud, {loginEndpoint}{portalTenantId}/v2.0. For an Entra External ID tenant set https://{tenantId}.ciamlogin.com/{tenantId}/v2.0.')
param portalOpenIdIssuer string = '${environment().authentication.loginEndpoint}${portalTenantId}/v2.0'

@description('Station portal: the origin the page is served from, allowed by CORS on the uploads account (e.g. https://portal.example.gov.cn for a custom domain). Empty: the app\'s default host name in the deployment\'s cloud.')
param portalOrigin string = ''

@description('Replication of the data and marts accounts (the host account is always locally redundant).')
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

@description('CanNotDelete lock on the data storage account.')
param lockStorage bool = true

@description('Create the Event Grid subscriptions. Needs the function code deployed first (the blobs_extension key exists only then).')
param subscribeEventGrid bool = false

var baseName = 'rp-${environmentName}'
var suffix = uniqueString(resourceGroup().id)
var dataStorageAccountName = take('stdata${environmentName}${suffix}', 24)
var martsStorageAccountName = take('stmarts${environmentName}${suffix}', 24)
var hostStorageAccountName = take('sthost${environmentName}${suffix}', 24)
var functionAppName = 'func-${baseName}-${suffix}'
// The station portal's origin: portalOrigin, or the app's default host name (the page is served by the app at /api/portal).
var portalPageOrigin = empty(portalOrigin)
  ? 'https://${functionAppName}${environment().name == 'AzureChinaCloud' ? '.chinacloudsites.cn' : '.azurewebsites.net'}'
  : portalOrigin
// The service in azure.yaml whose code azd deploys to the function app.
var azdServiceName = 'pipeline'
var deploymentContainerName = 'app-package'
var deadLetterContainerName = 'eventgrid-deadletter'
var ledgerTableName = 'ledger'
// The ledger's changes, kept apart because the service indexes only the keys (TableSubmissionLedger.ChangesTableOf).
var ledgerChangesTableName = 'ledgerChanges'
// Who may act for which station in the portal (`pipeline users`); table names allow no underscore.
var stationUsersTableName = 'StationUsers'
var appInsightsName = 'appi-${baseName}'
var eventGridSystemTopicName = 'evgt-${baseName}-storage'
var tags = {
  application: 'ReportingPipeline'
  environment: environmentName
}

// Raw data and everything derived from it that stations or operators touch: no hierarchical namespace, so
// that role-assignment conditions are the whole story (see infra/README.md).
var dataContainers = [
  'submissions'
  'reports'
  'reference'
  'staging'
  'receipts'
  deadLetterContainerName
]

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

module dataStorage 'modules/storage-account.bicep' = {
  name: 'data-storage'
  params: {
    location: location
    name: dataStorageAccountName
    skuName: storageSku
    hierarchicalNamespace: false
    versioning: true
    softDeleteRetentionDays: softDeleteRetentionDays
    containers: dataContainers
    tables: [
      ledgerTableName
      ledgerChangesTableName
      stationUsersTableName
    ]
    corsOrigins: [
      portalPageOrigin
    ]
    auditLog: true
    auditWorkspaceId: monitoring.outputs.workspaceId
    lockAccount: lockStorage
    tags: tags
  }
}

module dataLifecycle 'modules/data-lifecycle.bicep' = {
  name: 'data-lifecycle'
  dependsOn: [
    dataStorage
  ]
  params: {
    storageAccountName: dataStorageAccountName
    submissionsCoolAfterDays: submissionsCoolAfterDays
    rebuildableVersionRetentionDays: 30
  }
}

// Power BI's Data Lake Storage Gen2 connector reads the marts, hence the hierarchical namespace. Only the app
// writes here and the marts are rebuilt from the data account, so no versioning (not reliably available
// with a hierarchical namespace) and no lock.
module martsStorage 'modules/storage-account.bicep' = {
  name: 'marts-storage'
  params: {
    location: location
    name: martsStorageAccountName
    skuName: storageSku
    hierarchicalNamespace: true
    versioning: false
    softDeleteRetentionDays: softDeleteRetentionDays
    containers: [
      'marts'
    ]
    tags: tags
  }
}

// The Functions host's own state (AzureWebJobsStorage) and the deployment package: nobody but the app.
module hostStorage 'modules/storage-account.bicep' = {
  name: 'host-storage'
  params: {
    location: location
    name: hostStorageAccountName
    skuName: 'Standard_LRS'
    hierarchicalNamespace: false
    versioning: false
    softDeleteRetentionDays: 0
    containers: [
      deploymentContainerName
    ]
    tags: tags
  }
}

// Names are passed as compile-time values (not module outputs) so that what-if can predict every
// resource; the dependsOn lines carry the ordering instead.
module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  dependsOn: [
    dataStorage
    martsStorage
    hostStorage
    monitoring
  ]
  params: {
    location: location
    baseName: baseName
    appName: functionAppName
    azdServiceName: azdServiceName
    hostStorageAccountName: hostStorageAccountName
    dataStorageAccountName: dataStorageAccountName
    martsStorageAccountName: martsStorageAccountName
    deploymentContainerName: deploymentContainerName
    ledgerTableName: ledgerTableName
    stationUsersTableName: stationUsersTableName
    portalClientId: portalClientId
    portalOpenIdIssuer: portalOpenIdIssuer
    appInsightsName: appInsightsName
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    martsSchedule: martsSchedule
    closePeriodSchedule: closePeriodSchedule
    powerBiWorkspaceId: powerBiWorkspaceId
    powerBiDatasetId: powerBiDatasetId
    powerBiApiBaseUrl: powerBiApiBaseUrl
    powerBiScope: powerBiScope
    powerBiAuthorityHost: powerBiAuthorityHost
    tags: tags
  }
}

module eventGrid 'modules/event-grid.bicep' = {
  name: 'event-grid'
  dependsOn: [
    dataStorage
    functionApp
  ]
  params: {
    location: location
    storageAccountName: dataStorageAccountName
    systemTopicName: eventGridSystemTopicName
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

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  dependsOn: [
    monitoring
    eventGrid
  ]
  params: {
    location: location
    baseName: baseName
    appInsightsName: appInsightsName
    systemTopicName: eventGridSystemTopicName
    operatorEmails: operatorEmails
    tags: tags
  }
}

module analystAccess 'modules/container-access.bicep' = {
  name: 'analyst-access'
  dependsOn: [
    martsStorage
  ]
  params: {
    storageAccountName: martsStorageAccountName
    containerName: 'marts'
    // Storage Blob Data Reader
    roleId: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
    groupObjectIds: analystGroupObjectIds
    purpose: 'Analysts: read the Parquet marts (Power BI), nothing else.'
  }
}

module referenceAdminAccess 'modules/container-access.bicep' = {
  name: 'reference-admin-access'
  dependsOn: [
    dataStorage
  ]
  params: {
    storageAccountName: dataStorageAccountName
    containerName: 'reference'
    // Storage Blob Data Contributor
    roleId: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
    groupObjectIds: referenceAdminGroupObjectIds
    purpose: 'Reference-data administrators: upload regions.csv and stations.csv, nothing else.'
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
      dataStorage
    ]
    params: {
      storageAccountName: dataStorageAccountName
      roleDefinitionId: stationUploader.id
      stations: take(skip(stationGroups, batch * stationBatchSize), stationBatchSize)
    }
  }
]

output dataStorageAccountName string = dataStorage.outputs.name
output martsStorageAccountName string = martsStorage.outputs.name
output hostStorageAccountName string = hostStorage.outputs.name
@description('Stations upload here: https://{account}.blob.core.windows.net/submissions/{period}/{station}/{file}.')
output dataBlobEndpoint string = dataStorage.outputs.blobEndpoint
@description('Power BI: Azure Data Lake Storage Gen2 connector URL of the marts.')
output martsUrl string = '${martsStorage.outputs.dfsEndpoint}marts'
output functionAppName string = functionApp.outputs.name
@description('The station portal: stations open this address and sign in.')
output portalUrl string = '${portalPageOrigin}/.auth/login/aad?post_login_redirect_uri=/api/portal'

output functionAppPrincipalId string = functionApp.outputs.principalId
output eventGridSystemTopicName string = eventGrid.outputs.systemTopicName
// For azd: its hooks (infra/scripts/subscribe-eventgrid.sh) read the outputs as environment variables.
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output RESOURCE_GROUP string = resourceGroup().name
