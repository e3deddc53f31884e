import { html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { formatDateTime, humanize } from '../shared/format.js';
import type { SnapshotList, VersionList } from '../shared/types.js';
import { historyStyles } from './history.styles.js';

/** Detail of `b1r-history-select`: both null = the latest version of the latest snapshot. */
export interface HistorySelectDetail {
  snapshotId: string | null;
  version: number | null;
}

/**
 * Picks an earlier snapshot and reconciliation version to look at (internal to the dashboard).
 *
 * @fires b1r-history-select - a snapshot/version (or the latest) was chosen.
 */
export class HistoryPickerElement extends B1rElement {
  static override styles = [baseStyles, historyStyles];

  /** The snapshot shown, or '' for the latest. */
  @property({ attribute: 'snapshot-id' }) snapshotId = '';

  /** The version shown, or null for the snapshot's latest. */
  @property({ type: Number }) version: number | null = null;

  private reloads = 0;

  private readonly snapshotsTask = new Task(this, {
    args: () => [this.readyBase, this.reloads] as const,
    task: async ([apiBase], { signal }) => {
      if (!apiBase) return initialState;
      return this.api.get<SnapshotList>('/snapshots', { limit: 50 }, signal).catch((error) => { this.noteError(error); throw error; });
    },
  });

  private readonly versionsTask = new Task(this, {
    args: () => [this.readyBase, this.snapshotId, this.reloads] as const,
    task: async ([apiBase, snapshotId], { signal }) => {
      if (!apiBase) return initialState;
      return this.api.get<VersionList>('/reconciliation/versions', { snapshotId }, signal).catch((error) => { this.noteError(error); throw error; });
    },
  });

  protected reload(): void {
    this.reloads++;
    this.requestUpdate();
  }

  protected override render(): TemplateResult {
    const snapshots = this.snapshotsTask.value?.items ?? [];
    const versions = this.versionsTask.value?.items ?? [];
    return html`<div class="picker" part="picker">
      <label for="snapshot">Snapshot</label>
      <select id="snapshot" @change=${this.pickSnapshot} ?disabled=${!snapshots.length}>
        <option value="" ?selected=${!this.snapshotId}>Latest</option>
        ${snapshots.map((snapshot) => html`<option value=${snapshot.id} ?selected=${snapshot.id === this.snapshotId}>
          ${formatDateTime(snapshot.takenAt)} · ${humanize(snapshot.trigger)}</option>`)}
      </select>
      ${versions.length > 1 ? html`<label for="version">Version</label>
        <select id="version" @change=${this.pickVersion}>
          ${versions.map((version, index) => html`<option value=${index === 0 ? '' : version.version}
            ?selected=${index === 0 ? this.version === null : version.version === this.version}>
            Version ${version.version}${index === 0 ? ' (latest)' : ''}${version.reason ? ` · ${version.reason}` : ''}</option>`)}
        </select>` : nothing}
    </div>`;
  }

  private pickSnapshot(event: Event): void {
    const snapshotId = (event.target as HTMLSelectElement).value || null;
    const latestId = this.snapshotsTask.value?.items[0]?.id;
    this.emit('b1r-history-select', { snapshotId: snapshotId === latestId ? null : snapshotId, version: null });
  }

  private pickVersion(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    this.emit('b1r-history-select', { snapshotId: this.snapshotId || null, version: value ? Number(value) : null });
  }
}

if (!customElements.get('b1r-history-picker')) customElements.define('b1r-history-picker', HistoryPickerElement);

declare global {
  interface HTMLElementTagNameMap {
    'b1r-history-picker': HistoryPickerElement;
  }
  interface GlobalEventHandlersEventMap {
    'b1r-history-select': CustomEvent<HistorySelectDetail>;
  }
}
