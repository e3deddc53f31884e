// What each sync tool does: an ordered list of named steps (the run's phases). Each step
// calls the service that owns the data; those services record integration status and write
// their own data, each step all-or-nothing, so a failed step leaves earlier data in place.
import { Injectable } from '@nestjs/common';
import { IntegrationSyncService, type Pax8SyncPart } from '../integrations/integration-sync.service.js';
import { MappingService } from '../mapping/mapping.service.js';
import { ReconciliationWriter } from '../reconciliation/reconciliation-writer.service.js';
import { SettingsRepository } from '../settings/settings.repository.js';
import { SnapshotsService, type SnapshotTimings } from '../snapshots/snapshots.service.js';
import type { RunProgress } from './run-progress.js';
import type { RunTrigger, SyncTool } from './sync.constants.js';

export interface ToolContext {
  tenantId: string;
  runId: string;
  tool: SyncTool;
  trigger: RunTrigger;
  progress: RunProgress;
  signal: AbortSignal;
  /** Filled by the device step for the reconcile step. */
  snapshotId?: string;
}

interface Step {
  phase: string;
  run: (ctx: ToolContext) => Promise<unknown>;
}

@Injectable()
export class SyncToolsService {
  constructor(
    private readonly integrations: IntegrationSyncService,
    private readonly snapshots: SnapshotsService,
    private readonly reconciliation: ReconciliationWriter,
    private readonly mapping: MappingService,
    private readonly settings: SettingsRepository,
  ) {}

  /** The phases of a tool, in order. */
  phases(tool: SyncTool): string[] {
    return this.steps(tool).map((s) => s.phase);
  }

  /**
   * Runs the tool's steps in order. The result lists each step's counts in order, and lifts
   * the counts (companies, deviceCount, clients...) to the top level for a one-line summary.
   */
  async execute(tool: SyncTool, ctx: ToolContext): Promise<Record<string, unknown>> {
    const steps: Array<{ step: string; result: unknown }> = [];
    const counts: Record<string, number> = {};
    for (const step of this.steps(tool)) {
      ctx.progress.throwIfInterrupted();
      await ctx.progress.startPhase(step.phase);
      const result = (await step.run(ctx)) ?? null;
      steps.push({ step: step.phase, result });
      for (const [key, value] of Object.entries(result ?? {})) if (typeof value === 'number') counts[key] ??= value;
      await ctx.progress.flush();
    }
    return { ...counts, ...(ctx.snapshotId ? { snapshotId: ctx.snapshotId } : {}), steps };
  }

  private steps(tool: SyncTool): Step[] {
    switch (tool) {
      case 'device-snapshot':
        // Taking a snapshot reconciles it in the same transaction.
        return [this.devices()];
      case 'catalog-sync':
        return [this.pax8(['catalog', 'pricing'])];
      case 'contacts-sync':
        return [this.pax8(['companies', 'contacts']), this.organizations(), this.suggestMappings()];
      case 'full-reconcile':
        return [this.pax8(['companies', 'catalog', 'subscriptions']), this.organizations(), this.suggestMappings(), this.devices(), this.reconcile()];
      case 'sync-all':
        return [
          this.pax8(['companies', 'contacts', 'catalog', 'pricing', 'subscriptions']),
          this.organizations(), this.suggestMappings(), this.devices(), this.reconcile(),
        ];
      case 'pax8-sync':
        return [this.pax8(['companies', 'contacts', 'catalog', 'pricing', 'subscriptions']), this.suggestMappings()];
      case 'panelone-sync':
        return [this.organizations(), this.suggestMappings()];
    }
  }

  /** The run's phase is the step, refined by the service's own phase when it names another ("devices: counting"). */
  private within(step: string, ctx: ToolContext) {
    return (u: { phase?: string; done: number; total?: number | null }) =>
      ctx.progress.report({ phase: !u.phase || step.endsWith(u.phase) ? step : `${step}: ${u.phase}`, done: u.done, total: u.total });
  }

  /**
   * One Pax8 pass over several parts, in the service's fixed order (companies, contacts, catalog,
   * pricing, subscriptions), saved together; its phases read "pax8-companies", "pax8-catalog"...
   */
  private pax8(parts: Pax8SyncPart[]): Step {
    return {
      phase: 'pax8',
      run: (ctx) => this.integrations.syncPax8(ctx.tenantId, parts, (u) => ctx.progress.report({ phase: `pax8-${u.phase}`, done: u.done, total: u.total }), ctx.signal),
    };
  }

  private organizations(): Step {
    const phase = 'panelone-organizations';
    // With PSA billing on, the same step brings the agreements in (phases "panelone-organizations: agreements"...).
    return {
      phase,
      run: async (ctx) => this.integrations.syncPanelOneOrganizations(ctx.tenantId, this.within(phase, ctx), ctx.signal, {
        billing: (await this.settings.load(ctx.tenantId)).psaBilling.enabled,
      }),
    };
  }

  private suggestMappings(): Step {
    return { phase: 'mapping', run: (ctx) => this.mapping.suggest(ctx.tenantId) };
  }

  private devices(): Step {
    const phase = 'devices';
    return {
      phase,
      run: async (ctx) => {
        const timingsMs = {} as SnapshotTimings;
        const taken = await this.snapshots.take(ctx.tenantId, {
          trigger: ctx.trigger === 'schedule' ? 'schedule' : ctx.tool === 'sync-all' ? 'sync-all' : 'manual',
          runId: ctx.runId,
          devices: this.integrations.panelOneDevicePages(ctx.tenantId, ctx.signal),
          progress: this.within(phase, ctx),
          signal: ctx.signal,
          timings: timingsMs,
        });
        ctx.snapshotId = taken.snapshotId;
        return { ...taken, timingsMs };
      },
    };
  }

  private reconcile(): Step {
    return {
      phase: 'reconcile',
      run: async (ctx) => {
        const { snapshotId, clients } = await this.reconciliation.reconcile(ctx.tenantId, ctx.snapshotId, `subscriptions and mappings synced (${ctx.tool})`);
        return { snapshotId, clients };
      },
    };
  }
}
