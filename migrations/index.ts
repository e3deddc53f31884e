// Every migration, in order. Add new ones here (named <epoch-ms>-<PascalName>.ts).
import { Foundation1764000000000 } from './1764000000000-Foundation.js';
import { SyncedData1764000000001 } from './1764000000001-SyncedData.js';
import { SnapshotsAndRuns1764000000002 } from './1764000000002-SnapshotsAndRuns.js';
import { ReconciliationNotify1764000000003 } from './1764000000003-ReconciliationNotify.js';
import { ReconciliationNotifyJson1764000000004 } from './1764000000004-ReconciliationNotifyJson.js';
import { SyncRunQueue1796161998674 } from './1796161998674-SyncRunQueue.js';
import { ReconciliationVersions1796164100000 } from './1796164100000-ReconciliationVersions.js';
import { AuditLog1796165059287 } from './1796165059287-AuditLog.js';
import { GapExceptions1796170000000 } from './1796170000000-GapExceptions.js';
import { TenantDisplayName1796184000000 } from './1796184000000-TenantDisplayName.js';
import { Actions1796180000000 } from './1796180000000-Actions.js';
import { Alerts1796181000000 } from './1796181000000-Alerts.js';
import { PsaBilling1796182000000 } from './1796182000000-PsaBilling.js';
import { SnapshotDevicePartitions1796183000000 } from './1796183000000-SnapshotDevicePartitions.js';
import { SyncRunFairOrder1796183000001 } from './1796183000001-SyncRunFairOrder.js';
import { ActionIdempotencyKey1796185000000 } from './1796185000000-ActionIdempotencyKey.js';
import { GapOpenSince1796186000000 } from './1796186000000-GapOpenSince.js';
import { SnapshotDeviceNoForeignKey1796187000000 } from './1796187000000-SnapshotDeviceNoForeignKey.js';
import { SnapshotKeyStatistics1796188000000 } from './1796188000000-SnapshotKeyStatistics.js';

export const migrations = [
  Foundation1764000000000, SyncedData1764000000001, SnapshotsAndRuns1764000000002, ReconciliationNotify1764000000003,
  ReconciliationNotifyJson1764000000004, SyncRunQueue1796161998674, ReconciliationVersions1796164100000,
  AuditLog1796165059287, GapExceptions1796170000000, Actions1796180000000,
  Alerts1796181000000, PsaBilling1796182000000, SnapshotDevicePartitions1796183000000, SyncRunFairOrder1796183000001,
  TenantDisplayName1796184000000, ActionIdempotencyKey1796185000000, GapOpenSince1796186000000,
  SnapshotDeviceNoForeignKey1796187000000, SnapshotKeyStatistics1796188000000,
];
