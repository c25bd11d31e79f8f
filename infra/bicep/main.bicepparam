// What `azd provision` / `azd up` deploys (azd prefers main.bicepparam to main.bicep plus a parameters file).
// The azd environment's name chooses the settings: `azd env new dev` or `azd env new prod`. The values
// mirror dev.bicepparam and prod.bicepparam, which the manual path (az deployment group create) uses; a
// test holds them equal. Other values come from the azd environment (azd env set NAME VALUE).
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'dev')
param location = readEnvironmentVariable('AZURE_LOCATION', 'eastasia')

var prod = environmentName == 'prod'

param storageSku = prod ? 'Standard_ZRS' : 'Standard_LRS'
param softDeleteRetentionDays = prod ? 30 : 7
param submissionsCoolAfterDays = 365
param logRetentionDays = prod ? 90 : 30
param logDailyQuotaGb = prod ? 2 : 1
param lockStorage = prod
param maximumInstanceCount = 40
param instanceMemoryMB = 2048

param stationGroups = prod ? loadJsonContent('stations.prod.json') : loadJsonContent('stations.dev.json')
param analystGroupObjectIds = []
param referenceAdminGroupObjectIds = []
param operatorEmails = []

param powerBiWorkspaceId = ''
param powerBiDatasetId = ''
param powerBiApiBaseUrl = 'https://api.powerbi.com/v1.0/myorg/'
param powerBiScope = 'https://analysis.windows.net/powerbi/api/.default'

// Set to true by infra/scripts/subscribe-eventgrid.sh (azd's postdeploy hook) once the code runs, so that
// later `azd provision` runs keep the Event Grid subscriptions.
param subscribeEventGrid = bool(readEnvironmentVariable('SUBSCRIBE_EVENT_GRID', 'false'))
