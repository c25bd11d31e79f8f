// Blob events to the Functions blob trigger: a system topic on the data storage account and one
// BlobCreated subscription per triggered function, each filtered to its container.
//
// The webhook needs the app's `blobs_extension` system key, which the Functions host creates only once
// code with a blob trigger is running. On the first deployment leave `subscribe` false, publish the code,
// then redeploy with `subscribe` true or run infra/scripts/subscribe-eventgrid.sh.

param location string

@description('The data storage account, which holds the triggering containers and the dead-letter container (existing, in this resource group).')
param storageAccountName string

@description('Name of the system topic on the data account.')
param systemTopicName string

@description('The function app (existing, in this resource group).')
param functionAppName string

@description('Container that receives events Event Grid could not deliver.')
param deadLetterContainerName string

@description('Create the event subscriptions (needs the function code deployed; see above).')
param subscribe bool

@description('Which function receives BlobCreated events of which container.')
param triggers {
  @description('Container name, e.g. submissions.')
  container: string
  @description('Function name as in [Function(...)], e.g. IngestSubmission.')
  functionName: string
}[]

param tags object

var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

// BlobCreated is raised by every API that completes a blob; only those pass, so that a half-written blob
// never triggers a read. The documented ones: Put Blob, Put Block List and Copy Blob (raised when the copy
// has completed, on an account without a hierarchical namespace) on the Blob endpoint; FlushWithClose on
// the Data Lake endpoint (CreateFile raises an event for the empty file first: excluded). The from-URL
// operations complete a blob in one call too: Put Blob From URL, and Copy Blob From URL (synchronous copy).
// Event Grid compares strings without regard to case.
var completedWriteApis = [
  'PutBlob'
  'PutBlockList'
  'CopyBlob'
  'PutBlobFromURL'
  'CopyBlobFromURL'
  'FlushWithClose'
]

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource deadLetter 'containers' existing = {
      name: deadLetterContainerName
    }
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

// The topic writes undeliverable events to the dead-letter container with its own identity, not a key.
resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage::blobService::deadLetter.id, topic.id, storageBlobDataContributor)
  scope: storage::blobService::deadLetter
  properties: {
    principalId: topic.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    description: 'Event Grid system topic: dead-letter undeliverable blob events.'
  }
}

resource subscriptions 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = [
  for trigger in triggers: if (subscribe) {
    parent: topic
    name: '${trigger.container}-to-${toLower(trigger.functionName)}'
    dependsOn: [
      deadLetterWriter
    ]
    properties: {
      eventDeliverySchema: 'EventGridSchema'
      destination: {
        endpointType: 'WebHook'
        properties: {
          endpointUrl: 'https://${site.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${trigger.functionName}&code=${listKeys('${site.id}/host/default', '2025-03-01').systemKeys.blobs_extension}'
          maxEventsPerBatch: 1
          preferredBatchSizeInKilobytes: 64
        }
      }
      filter: {
        includedEventTypes: [
          'Microsoft.Storage.BlobCreated'
        ]
        subjectBeginsWith: '/blobServices/default/containers/${trigger.container}/'
        advancedFilters: [
          {
            operatorType: 'StringIn'
            key: 'data.api'
            values: completedWriteApis
          }
        ]
      }
      retryPolicy: {
        maxDeliveryAttempts: 30
        eventTimeToLiveInMinutes: 1440
      }
      deadLetterWithResourceIdentity: {
        identity: {
          type: 'SystemAssigned'
        }
        deadLetterDestination: {
          endpointType: 'StorageBlob'
          properties: {
            resourceId: storage.id
            blobContainerName: deadLetterContainerName
          }
        }
      }
    }
  }
]

output systemTopicName string = topic.name
