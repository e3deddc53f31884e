import { html, type TemplateResult } from 'lit';
import { humanize, PAX8_STATUSES } from '../shared/format.js';
import type { CountingSettings } from '../shared/types.js';
import { SettingsFormElement } from './settings-form.js';
import { announceReconciliationChanged } from '../shared/events.js';

const DEVICE_CLASSES = [
  'WINDOWS_WORKSTATION', 'WINDOWS_SERVER', 'MAC', 'LINUX_WORKSTATION', 'LINUX_SERVER', 'VMWARE_VM_GUEST',
  'HYPERV_VMM_GUEST', 'NETWORK_DEVICE', 'MOBILE', 'PRINTER', 'UNKNOWN',
];

/** Counting rules, tolerance and snapshot schedule (internal to `billingone-settings`). */
export class CountingRulesElement extends SettingsFormElement {
  protected readonly heading = { id: 'rules-title', text: 'Counting rules and schedule' };

  protected renderForm(settings: CountingSettings): TemplateResult {
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
      ${this.renderFooter('Save rules')}
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
    if (await this.submit(body, 'Saved. The latest snapshot was re-reconciled as a new version; earlier versions stay readable.')) announceReconciliationChanged({ tool: 'counting-rules', runId: '' });
  }
}

if (!customElements.get('b1r-counting-rules')) customElements.define('b1r-counting-rules', CountingRulesElement);

declare global {
  interface HTMLElementTagNameMap {
    'b1r-counting-rules': CountingRulesElement;
  }
}
