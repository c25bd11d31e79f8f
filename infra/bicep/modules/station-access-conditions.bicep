// What a station may do in the storage account, as an Azure ABAC role-assignment condition.
// Kept as pure functions so that tests can evaluate them through `bicep build-params` and check the
// strings that reach Azure, not a copy of them.

@export()
@description('A station and the Entra ID security group whose members (staff accounts or the station system\'s service principal) act for it.')
type stationGroup = {
  @description('Nine-digit town code: the station code used in blob paths.')
  @minLength(9)
  @maxLength(9)
  stationCode: string

  @description('Object id of the station\'s Entra ID security group.')
  @minLength(36)
  @maxLength(36)
  groupObjectId: string
}

@export()
@description('The data actions of the custom "station uploader" role: read, create and overwrite blobs. No delete, no ACL changes.')
func stationUploaderDataActions() string[] => [
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'
]

@export()
@description('True when the code is exactly nine ASCII digits, so that it cannot carry ABAC wildcards or quotes.')
func isStationCode(code string) bool =>
  length(code) == 9 && empty(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(code, '0', ''), '1', ''), '2', ''), '3', ''), '4', ''), '5', ''), '6', ''), '7', ''), '8', ''), '9', ''))

// Three blocks, all of which must hold:
// 1. write/create: only in `submissions`, only under `{period}/{station}/` (period = four characters,
//    a dash, two characters; the pipeline itself rejects anything that is not a real YYYY-MM).
// 2. read (except listing): only the station's own prefix in `submissions` or `reports`.
// 3. listing: only with a prefix inside the station's own folder of `submissions` or `reports`.
// `{container}` is replaced by an impossible container name when the station code is malformed, so a
// bad parameter denies everything instead of granting a wildcard.
func conditionTemplate() string => '''
(
  (
    !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'})
    AND
    !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'})
  )
  OR
  (
    @Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals '{submissions}'
    AND
    @Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringLike '????-??/{station}/*'
  )
)
AND
(
  (
    !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})
  )
  OR
  (
    (
      @Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals '{submissions}'
      OR
      @Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals '{reports}'
    )
    AND
    @Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringLike '????-??/{station}/*'
  )
)
AND
(
  (
    !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND SubOperationMatches{'Blob.List'})
  )
  OR
  (
    (
      @Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals '{submissions}'
      OR
      @Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals '{reports}'
    )
    AND
    @Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:prefix] StringLike '????-??/{station}/*'
  )
)
'''

@export()
@description('The ABAC condition for one station\'s role assignment.')
func stationAccessCondition(stationCode string) string =>
  replace(
    replace(
      replace(conditionTemplate(), '{station}', isStationCode(stationCode) ? stationCode : '000000000'),
      '{submissions}',
      isStationCode(stationCode) ? 'submissions' : '-'
    ),
    '{reports}',
    isStationCode(stationCode) ? 'reports' : '-'
  )
