// Production: the province's deployment of record.
using 'main.bicep'

param environmentName = 'prod'
param storageSku = 'Standard_ZRS'
param softDeleteRetentionDays = 30
param submissionsCoolAfterDays = 365
param logRetentionDays = 90
param logDailyQuotaGb = 2
param lockStorage = true
param maximumInstanceCount = 40
param instanceMemoryMB = 2048

// One entry per station: { "stationCode": "440103001", "groupObjectId": "<Entra group object id>" }.
// Added by infra/scripts/onboard-station.sh and reviewed like code: this file *is* the access list.
param stationGroups = loadJsonContent('stations.prod.json')

// Entra ID groups of province, city and district analysts (read the marts only).
param analystGroupObjectIds = []

// Entra ID groups of the people who upload regions.csv and stations.csv (write the reference container only).
param referenceAdminGroupObjectIds = []

// Who receives the alerts (function failures, set-aside uploads, undelivered blob events).
param operatorEmails = []

// Filled in once the Power BI workspace exists and the app's identity is a member of it.
param powerBiWorkspaceId = ''
param powerBiDatasetId = ''
// Global Power BI; for Power BI operated by 21Vianet (China) use
//   'https://api.powerbi.cn/v1.0/myorg/' and 'https://analysis.chinacloudapi.cn/powerbi/api/.default'.
// The authority host follows the deployment's cloud (environment().authentication.loginEndpoint).
param powerBiApiBaseUrl = 'https://api.powerbi.com/v1.0/myorg/'
param powerBiScope = 'https://analysis.windows.net/powerbi/api/.default'

// Off until the function code is published (see infra/README.md, "Event Grid").
param subscribeEventGrid = false
