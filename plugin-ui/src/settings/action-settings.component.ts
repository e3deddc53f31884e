import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { errorMessage, renderError, renderPending } from '../shared/states.js';
import type { CountingSettings } from '../shared/types.js';
import { settingsStyles } from './settings.styles.js';

type ActionSettings = Pick<CountingSettings, 'maxSeatChange' | 'maxMonthlyIncrease' | 'requireSecondApprover'>;

/** Caps above which a Pax8 change needs "confirm large change", and the second approver (internal to `billingone-settings`). */
export class ActionSettingsElement extends B1rElement {
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
    return html`<section class="panel" part="section" aria-labelledby="action-settings-title">
      <h3 id="action-settings-title">Pax8 changes</h3>
      ${this.settingsTask.render({
        pending: () => renderPending(),
        error: (error) => renderError(error, () => this.reload()),
        complete: (settings) => this.renderForm(settings),
      })}
    </section>`;
  }

  private renderForm(settings: ActionSettings): TemplateResult {
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
      ${this.formError ? html`<p class="form-error" role="alert">${this.formError}</p>` : nothing}
      <div class="actions">
        <button class="btn primary" part="button" type="submit" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save'}</button>
        <span class="muted" role="status">${this.savedMessage}</span>
      </div>
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
    this.saving = true;
    this.formError = '';
    this.savedMessage = '';
    try {
      await this.api.put('/settings', body);
      this.savedMessage = 'Saved. Changes proposed from now on are checked against these caps.';
    } catch (error) {
      this.noteError(error);
      this.formError = errorMessage(error);
    } finally {
      this.saving = false;
    }
  }
}

if (!customElements.get('b1r-action-settings')) customElements.define('b1r-action-settings', ActionSettingsElement);

declare global {
  interface HTMLElementTagNameMap {
    'b1r-action-settings': ActionSettingsElement;
  }
}
