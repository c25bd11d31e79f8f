// Development: a throwaway environment, cheap and unlocked. Deploy into its own resource group.
using 'main.bicep'

param environmentName = 'dev'
param storageSku = 'Standard_LRS'
param softDeleteRetentionDays = 7
param logRetentionDays = 30
param logDailyQuotaGb = 1
param lockStorage = false

// Test stations and analysts of the development tenant; same format as stations.prod.json.
param stationGroups = loadJsonContent('stations.dev.json')
param analystGroupObjectIds = []
param referenceAdminGroupObjectIds = []
param operatorEmails = []

// Off until the function code is published (see infra/README.md, "Event Grid").
param subscribeEventGrid = false
