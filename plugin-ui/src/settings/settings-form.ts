// A section of the settings page that edits part of GET/PUT /settings: it reads the settings,
// renders its own form, and PUTs only its own fields (what is not sent is kept by the API), with
// the saving, error and saved states every such form shows the same way.
import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { errorMessage, renderError, renderPending } from '../shared/states.js';
import type { CountingSettings } from '../shared/types.js';
import { settingsStyles } from './settings.styles.js';

export abstract class SettingsFormElement extends B1rElement {
  static override styles = [baseStyles, settingsStyles];

  @state() private reloads = 0;
  @state() protected saving = false;
  @state() protected formError = '';
  @state() protected savedMessage = '';

  /** The section's heading and the id that labels it. */
  protected abstract readonly heading: { id: string; text: string };

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

  protected abstract renderForm(settings: CountingSettings): TemplateResult;

  protected override render(): TemplateResult {
    return html`<section class="panel" part="section" aria-labelledby=${this.heading.id}>
      <h3 id=${this.heading.id}>${this.heading.text}</h3>
      ${this.settingsTask.render({
        pending: () => renderPending(),
        error: (error) => renderError(error, () => this.reload()),
        complete: (settings) => this.renderForm(settings),
      })}
    </section>`;
  }

  /** The form's error line and its Save button with the saved message beside it. */
  protected renderFooter(label = 'Save'): TemplateResult {
    return html`${this.formError ? html`<p class="form-error" role="alert">${this.formError}</p>` : nothing}
      <div class="actions">
        <button class="btn primary" part="button" type="submit" ?disabled=${this.saving}>${this.saving ? 'Saving…' : label}</button>
        <span class="muted" role="status">${this.savedMessage}</span>
      </div>`;
  }

  /** PUTs this form's fields; true when saved (the saved message is then shown), false with the API's message. */
  protected async submit(body: Partial<CountingSettings>, saved: string): Promise<boolean> {
    this.saving = true;
    this.formError = '';
    this.savedMessage = '';
    try {
      await this.api.put('/settings', body);
      this.savedMessage = saved;
      return true;
    } catch (error) {
      this.noteError(error);
      this.formError = errorMessage(error);
      return false;
    } finally {
      this.saving = false;
    }
  }
}
