import { html, type TemplateResult } from 'lit';
import type { CountingSettings } from '../shared/types.js';
import { SettingsFormElement } from './settings-form.js';

type ActionSettings = Pick<CountingSettings, 'maxSeatChange' | 'maxMonthlyIncrease' | 'requireSecondApprover'>;

/** Caps above which a Pax8 change needs "confirm large change", and the second approver (internal to `billingone-settings`). */
export class ActionSettingsElement extends SettingsFormElement {
  protected readonly heading = { id: 'action-settings-title', text: 'Pax8 changes' };

  protected renderForm(settings: ActionSettings): TemplateResult {
    return html`<form @submit=${this.save}>
      <p class="muted">A change above either cap can only be approved with "Confirm large change".</p>
      <div class="row">
        <div class="field"><label for="maxSeatChange">Largest change without confirmation (seats)</label>
          <input id="maxSeatChange" name="maxSeatChange" type="number" min="0" max="100000" step="1" required .value=${String(settings.maxSeatChange)} /></div>
        <div class="field"><label for="maxMonthlyIncrease">Largest monthly cost increase without confirmation (USD)</label>
          <input id="maxMonthlyIncrease" name="maxMonthlyIncrease" type="number" min="0" max="10000000" step="0.01" required .value=${String(settings.maxMonthlyIncrease)} /></div>
      </div>
      <div class="field check"><input id="requireSecondApprover" name="requireSecondApprover" type="checkbox" .checked=${settings.requireSecondApprover} />
        <label for="requireSecondApprover">The approver must be another admin than the one who proposed</label></div>
      ${this.renderFooter()}
    </form>`;
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const body: ActionSettings = {
      maxSeatChange: Number(form.get('maxSeatChange')),
      maxMonthlyIncrease: Number(form.get('maxMonthlyIncrease')),
      requireSecondApprover: form.get('requireSecondApprover') === 'on',
    };
    await this.submit(body, 'Saved. Changes proposed from now on are checked against these caps.');
  }
}

if (!customElements.get('b1r-action-settings')) customElements.define('b1r-action-settings', ActionSettingsElement);

declare global {
  interface HTMLElementTagNameMap {
    'b1r-action-settings': ActionSettingsElement;
  }
}
