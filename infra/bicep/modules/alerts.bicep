// What operators hear about: failed function runs, uploads the blob trigger gave up on (poison), and blob
// events Event Grid could not deliver. Every alert goes to one action group that e-mails the operators.

param location string

@description('Name prefix, e.g. rp-prod.')
param baseName string

@description('Application Insights component of the function app (existing, in this resource group).')
param appInsightsName string

@description('Event Grid system topic on the data account (existing, in this resource group).')
param systemTopicName string

@description('E-mail addresses of the operators who receive every alert.')
param operatorEmails string[]

param tags object

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource operators 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${baseName}-operators'
  location: 'Global'
  tags: tags
  properties: {
    // At most 12 characters: shown as the sender of SMS and e-mail.
    groupShortName: take('rp-ops-${baseName}', 12)
    enabled: true
    emailReceivers: [
      for (email, index) in operatorEmails: {
        name: 'operator-${index}'
        emailAddress: email
        useCommonAlertSchema: true
      }
    ]
  }
}

// Log alerts on the app's requests (one per function invocation) in Application Insights.
var logAlerts = [
  {
    name: 'function-failures'
    displayName: 'Function runs failed'
    description: 'A function invocation failed (ingest, reference reload, mart build, period close or set-aside). See Application Insights, Failures.'
    severity: 1
    query: 'requests | where success == false'
  }
  {
    name: 'poison-uploads'
    displayName: 'Uploads set aside (poison queue)'
    description: 'The blob trigger gave up on an upload after its retries; SubmissionSetAside consumed the poison message and told the station. Look at why the upload kept failing.'
    severity: 2
    query: 'requests | where name == "SubmissionSetAside"'
  }
]

resource logAlertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for alert in logAlerts: {
    name: 'alert-${baseName}-${alert.name}'
    location: location
    tags: tags
    properties: {
      displayName: alert.displayName
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [
        appInsights.id
      ]
      evaluationFrequency: 'PT15M'
      windowSize: 'PT15M'
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: [
          operators.id
        ]
      }
    }
  }
]

// Metric alerts on the system topic: an event that could not be delivered is an upload nobody processed.
var deliveryMetrics = [
  {
    metric: 'DeliveryAttemptFailCount'
    description: 'Event Grid could not deliver a blob event to the function app (it retries for 24 hours, then dead-letters).'
    severity: 2
  }
  {
    metric: 'DeadLetteredCount'
    description: 'A blob event was dead-lettered to eventgrid-deadletter: the upload was never processed. Re-upload it or replay the event.'
    severity: 1
  }
  {
    metric: 'DroppedEventCount'
    description: 'Event Grid dropped a blob event (neither delivered nor dead-lettered): the upload was never processed.'
    severity: 1
  }
]

resource deliveryAlerts 'Microsoft.Insights/metricAlerts@2018-03-01' = [
  for alert in deliveryMetrics: {
    name: 'alert-${baseName}-eventgrid-${toLower(alert.metric)}'
    location: 'global'
    tags: tags
    properties: {
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [
        topic.id
      ]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: alert.metric
            metricName: alert.metric
            metricNamespace: 'Microsoft.EventGrid/systemTopics'
            operator: 'GreaterThan'
            threshold: 0
            timeAggregation: 'Total'
          }
        ]
      }
      autoMitigate: true
      actions: [
        {
          actionGroupId: operators.id
        }
      ]
    }
  }
]
