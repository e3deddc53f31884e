import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { errorMessage, renderError, renderPending } from '../shared/states.js';
import { humanize, PAX8_STATUSES } from '../shared/format.js';
import type { CountingSettings } from '../shared/types.js';
import { settingsStyles } from './settings.styles.js';
import { announceReconciliationChanged } from '../shared/events.js';

const DEVICE_CLASSES = [
  'WINDOWS_WORKSTATION', 'WINDOWS_SERVER', 'MAC', 'LINUX_WORKSTATION', 'LINUX_SERVER', 'VMWARE_VM_GUEST',
  'HYPERV_VMM_GUEST', 'NETWORK_DEVICE', 'MOBILE', 'PRINTER', 'UNKNOWN',
];

/** Counting rules, tolerance and snapshot schedule (internal to `billingone-settings`). */
export class CountingRulesElement extends B1rElement {
  static override styles = [baseStyles, settingsStyles];

  @state() private reloads = 0;
  @state() private saving = false;
  @state() private formError = '';
  @state() private savedMessage = '';

  private readonly settingsTask = new Task(this, {
    args: () => [this.readyBase, this.reloads] as const,
    task: async ([apiBase], { signal }) => {
      if (!apiBase) return initialState;
      return this.api.get<CountingSettings>('/settings', undefined, signal).catch((error) => {
        this.noteError(error);
        throw error;
      });
    },
  });

  protected override followsReconciliation = false;

  protected reload(): void {
    this.reloads++;
  }

  protected override render(): TemplateResult {
    return html`<section class="panel" part="section" aria-labelledby="rules-title">
      <h3 id="rules-title">Counting rules and schedule</h3>
      ${this.settingsTask.render({
        pending: () => renderPending(),
        error: (error) => renderError(error, () => this.reload()),
        complete: (settings) => this.renderForm(settings),
      })}
    </section>`;
  }

  private renderForm(settings: CountingSettings): TemplateResult {
    const classes = [...new Set([...DEVICE_CLASSES, ...settings.countedClasses])];
    return html`<form @submit=${this.save}>
      <fieldset><legend>Counted device classes</legend>
        <div class="checks">${classes.map((deviceClass) => html`<label class="check">
          <input type="checkbox" name="countedClasses" value=${deviceClass} .checked=${(settings.countedClasses as string[]).includes(deviceClass)} />
          ${humanize(deviceClass)}</label>`)}</div>
      </fieldset>
      <div class="row">
        <div class="field"><label for="staleDays">Stale after (days)</label>
          <input id="staleDays" name="staleDays" type="number" min="1" required .value=${String(settings.staleDays)} /></div>
        <div class="field"><label for="matchedTolerance">Matched tolerance (devices)</label>
          <input id="matchedTolerance" name="matchedTolerance" type="number" min="0" required .value=${String(settings.matchedTolerance)} /></div>
      </div>
      <fieldset><legend>Subscription statuses that count as licensed</legend>
        <div class="checks">${[...new Set([...Object.keys(PAX8_STATUSES), ...settings.licensedStatuses])].map((status) => html`<label class="check">
          <input type="checkbox" name="licensedStatuses" value=${status} .checked=${settings.licensedStatuses.includes(status)} />
          ${PAX8_STATUSES[status] ?? status}</label>`)}</div>
      </fieldset>
      <div class="row">
        <div class="field"><label for="cron">Snapshot schedule (cron)</label>
          <input id="cron" name="cron" type="text" class="mono" .value=${settings.schedule.cron} /></div>
        <div class="field"><label for="timeZone">Time zone</label>
          <input id="timeZone" name="timeZone" type="text" .value=${settings.schedule.timeZone} /></div>
        <div class="field check"><input id="scheduleEnabled" name="scheduleEnabled" type="checkbox" .checked=${settings.schedule.enabled} />
          <label for="scheduleEnabled">Scheduled snapshots enabled</label></div>
      </div>
      <div class="row">
        <div class="field"><label for="displayName">Your company's name on client reports</label>
          <input id="displayName" name="displayName" type="text" maxlength="200" placeholder="Shown on QBR reports" .value=${settings.displayName ?? ''} /></div>
      </div>
      ${this.formError ? html`<p class="form-error" role="alert">${this.formError}</p>` : nothing}
      <div class="actions">
        <button class="btn primary" part="button" type="submit" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save rules'}</button>
        <span class="muted" role="status">${this.savedMessage}</span>
      </div>
    </form>`;
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    // Retention and the action caps are not on this form: leaving them out of the PUT keeps them as they are.
    const body: Omit<CountingSettings, 'maxSeatChange' | 'maxMonthlyIncrease' | 'requireSecondApprover' | 'psaBilling' | 'retentionMonths'> = {
      staleDays: Number(form.get('staleDays')),
      matchedTolerance: Number(form.get('matchedTolerance')),
      countedClasses: form.getAll('countedClasses').map(String) as CountingSettings['countedClasses'],
      licensedStatuses: form.getAll('licensedStatuses').map(String),
      schedule: { cron: String(form.get('cron') ?? '').trim(), timeZone: String(form.get('timeZone') ?? '').trim(), enabled: form.get('scheduleEnabled') === 'on' },
      displayName: String(form.get('displayName') ?? '').trim() || null,
    };
    if (!body.licensedStatuses.length) {
      this.formError = 'Tick at least one subscription status: with none, no subscription would count as a license.';
      return;
    }
    this.saving = true;
    this.formError = '';
    this.savedMessage = '';
    try {
      await this.api.put('/settings', body);
      this.savedMessage = 'Saved. The latest snapshot was re-reconciled as a new version; earlier versions stay readable.';
      announceReconciliationChanged({ tool: 'counting-rules', runId: '' });
    } catch (error) {
      this.noteError(error);
      this.formError = errorMessage(error);
    } finally {
      this.saving = false;
    }
  }
}

if (!customElements.get('b1r-counting-rules')) customElements.define('b1r-counting-rules', CountingRulesElement);

declare global {
  interface HTMLElementTagNameMap {
    'b1r-counting-rules': CountingRulesElement;
  }
}
