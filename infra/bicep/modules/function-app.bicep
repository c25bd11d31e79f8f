// The Functions app on the Flex Consumption plan. It reaches storage and Application Insights with its
// system-assigned identity only: no account key, SAS or instrumentation-key write access anywhere.
//
// Three storage accounts, three sets of roles:
// - host (AzureWebJobsStorage: leases, timers, blob receipts, the blob trigger's poison queue, the mart build
//   requests queue, the deployment package): what the Functions documentation asks for an identity-based AzureWebJobsStorage;
// - data (submissions, reports, reference, staging, receipts, ledger): blob and table data contributor, not
//   owner (no ACL or ownership rights over the stations' raw uploads);
// - marts: blob data contributor.

param location string

@description('Name prefix, e.g. rp-prod.')
param baseName string

@description('Function app name (also the host name: {name}.azurewebsites.net).')
param appName string

@description('azd service name (azure.yaml) that deploys its code to this app.')
param azdServiceName string

@description('Storage account of the Functions host (existing, in this resource group).')
param hostStorageAccountName string

@description('Storage account of submissions, reports, reference, staging and the ledger (existing, in this resource group).')
param dataStorageAccountName string

@description('Storage account of the Parquet marts (existing, in this resource group).')
param martsStorageAccountName string

@description('Container of the host account that holds the deployment package.')
param deploymentContainerName string

@description('Submission ledger table name (data account).')
param ledgerTableName string

@description('The station portal\'s users table (data account).')
param stationUsersTableName string

@description('Client id of the Entra ID app registration the station portal signs staff in with; empty leaves no provider (every request is refused).')
param portalClientId string

@description('OpenID issuer of the staff\'s tenant, e.g. https://login.microsoftonline.com/{tenant}/v2.0.')
param portalOpenIdIssuer string

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

@description('Power BI REST API base URL (sovereign clouds differ).')
param powerBiApiBaseUrl string

@description('Entra ID token scope of the Power BI API.')
param powerBiScope string

@description('Entra ID authority host that issues the app identity\'s tokens.')
param powerBiAuthorityHost string

param tags object

// Built-in role definition ids (the same in every tenant).
var roles = {
  // The Functions host keeps leases and blob receipts in blobs; the docs ask for Owner on AzureWebJobsStorage.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Read and write blobs, no ACLs or ownership: the pipeline's own data.
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  // Host queues and the blob trigger's poison queue (host account).
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Host tables; the submission ledger (data account).
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // Sign user-delegation keys (the portal's one-blob upload SAS); the SAS carries no more than the app's own data role.
  storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a'
  // Entra ID-authenticated telemetry into Application Insights (local auth is off).
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: hostStorageAccountName
}

resource dataStorage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: dataStorageAccountName
}

resource martsStorage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: martsStorageAccountName
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
  // azd deploys the code to the app that carries its service name.
  tags: union(tags, { 'azd-service-name': azdServiceName })
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
      // The contract with the app (functions/ReportingPipeline.Functions, ReportingPipeline.Hosting): a literal
      // list so that tests can hold it against functions.metadata and the options the app binds.
      appSettings: [
        // Identity-based host storage (host account): service URIs, no connection string.
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__blobServiceUri'
          value: hostStorage.properties.primaryEndpoints.blob
        }
        {
          name: 'AzureWebJobsStorage__queueServiceUri'
          value: hostStorage.properties.primaryEndpoints.queue
        }
        {
          name: 'AzureWebJobsStorage__tableServiceUri'
          value: hostStorage.properties.primaryEndpoints.table
        }
        // The blob triggers' connection (Connection = "DataStorage"): the data account. In this serviceUri form
        // the blob extension keeps its poison queue in AzureWebJobsStorage, where SubmissionSetAside reads it.
        {
          name: 'DataStorage__serviceUri'
          value: dataStorage.properties.primaryEndpoints.blob
        }
        {
          name: 'DataStorage__credential'
          value: 'managedidentity'
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
          value: dataStorage.properties.primaryEndpoints.blob
        }
        {
          name: 'Storage__TableServiceUri'
          value: dataStorage.properties.primaryEndpoints.table
        }
        {
          name: 'Storage__MartsBlobServiceUri'
          value: martsStorage.properties.primaryEndpoints.blob
        }
        {
          name: 'Storage__LedgerTable'
          value: ledgerTableName
        }
        {
          name: 'Storage__StationUsersTable'
          value: stationUsersTableName
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
        {
          name: 'PowerBi__ApiBaseUri'
          value: powerBiApiBaseUrl
        }
        {
          name: 'PowerBi__Scope'
          value: powerBiScope
        }
        // Azure.Identity's own variable: the sign-in authority of the app's one credential (storage and Power BI);
        // the managed identity itself needs none, developer and workload credentials do in a national cloud.
        {
          name: 'AZURE_AUTHORITY_HOST'
          value: powerBiAuthorityHost
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorage.properties.primaryEndpoints.blob}${deploymentContainerName}'
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

// App Service Authentication in front of every request: station staff sign in with Entra ID (or Entra External ID)
// and the platform passes X-MS-CLIENT-PRINCIPAL and X-MS-CLIENT-PRINCIPAL-NAME, which it strips from client requests.
// An unauthenticated browser (a station opening /api/portal after its session expired) is sent to the Entra sign-in;
// the page's API calls send X-Requested-With: XMLHttpRequest, for which the platform answers 401 instead of a redirect.
// The blob extension's Event Grid webhook authenticates with its key.
resource authSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
      excludedPaths: [
        '/runtime/webhooks/blobs'
      ]
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: !empty(portalClientId)
        registration: {
          clientId: portalClientId
          openIdIssuer: portalOpenIdIssuer
        }
        validation: {
          allowedAudiences: [
            'api://${portalClientId}'
            portalClientId
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}

resource dataBlobDelegator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage.id, site.id, roles.storageBlobDelegator)
  scope: dataStorage
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDelegator)
    description: 'Function app: user-delegation keys for the station portal\'s one-blob, create-only upload SAS.'
  }
}

resource hostBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, site.id, roles.storageBlobDataOwner)
  scope: hostStorage
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    description: 'Function app: host blobs (leases, receipts) and the deployment package.'
  }
}

// Intake's build requests (functions/ReportingPipeline.Functions: MartBuildQueue, BuildMartsRequested): one delayed
// message per burst of uploads, in the host account, read and written under hostQueueContributor below.
resource hostQueueService 'Microsoft.Storage/storageAccounts/queueServices@2025-06-01' existing = {
  parent: hostStorage
  name: 'default'
}

resource martBuildRequestsQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01' = {
  parent: hostQueueService
  name: 'mart-build-requests'
}

resource hostQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, site.id, roles.storageQueueDataContributor)
  scope: hostStorage
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    description: 'Function app: host queues, the blob trigger poison queue and the mart build requests.'
  }
}

resource hostTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, site.id, roles.storageTableDataContributor)
  scope: hostStorage
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    description: 'Function app: host tables.'
  }
}

resource dataBlobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage.id, site.id, roles.storageBlobDataContributor)
  scope: dataStorage
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    description: 'Function app: read submissions and reference; write reports, staging and receipts.'
  }
}

resource dataTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage.id, site.id, roles.storageTableDataContributor)
  scope: dataStorage
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    description: 'Function app: the submission ledger.'
  }
}

resource martsBlobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(martsStorage.id, site.id, roles.storageBlobDataContributor)
  scope: martsStorage
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    description: 'Function app: write the Parquet marts.'
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
