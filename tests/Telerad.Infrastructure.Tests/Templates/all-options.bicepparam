// Test-only parameter file: every optional part on at once (private networking, Durable Task Scheduler, Health Data
// Services, the Event Grid subscription, tenants with uploader identities), so the invariants see every module.
// Copied next to infra/main.bicep by the tests.
using 'main.bicep'

param environmentName = 'ci'
param location = 'westeurope'
param privateNetworking = true
param durableBackend = 'DurableTaskScheduler'
param healthDataServices = true
param deployEventSubscription = true
param incomingRetentionDays = 3
param entraClientId = '33333333-3333-3333-3333-333333333333'
param entraTenantId = '44444444-4444-4444-4444-444444444444'
param viewerUrlTemplate = 'https://viewer.ci.example.org/viewer?StudyInstanceUIDs={studyUid}&token={token}'
param linkLifetime = '08:00:00'
param tenants = [
  {
    id: 'hospital-a'
    deidentificationProfile: 'reading'
    facilityId: 'facility-a'
    jurisdiction: 'US-CA'
    referrers: [
      { id: 'nw-ed', referringPhysicianNames: [ 'Emergency^Department', 'ED^Attending' ] }
      { id: 'nw-neuro', referringPhysicianNames: [ 'Neurology^Clinic' ] }
    ]
    defaultReferrerId: 'nw-ed'
    quietPeriod: '00:02:00'
    uploaderPrincipalId: '11111111-1111-1111-1111-111111111111'
    uploaderPrincipalType: 'ServicePrincipal'
  }
  { id: 'hospital-b', uploaderPrincipalId: '22222222-2222-2222-2222-222222222222' }
]
