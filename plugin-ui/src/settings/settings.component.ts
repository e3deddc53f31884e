import { html, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { renderEmpty, renderError, renderNoToken, renderPending } from '../shared/states.js';
import type { Integration } from '../shared/types.js';
import { settingsStyles } from './settings.styles.js';
import './integration-form.component.js';
import './client-mapping.component.js';
import './product-mapping.component.js';
import './counting-rules.component.js';
import './alert-channels.component.js';
import './action-settings.component.js';
import './psa-billing.component.js';

/**
 * Admin settings: integrations (PanelOne, Pax8), client mapping, per-device products,
 * PSA billing (PanelOne agreements and their catalog items' products), counting rules and
 * schedule, the caps of Pax8 changes, alert channels and their delivery log. Non-admins see "Admins only".
 *
 * @cssproperty --b1r-color-accent - primary buttons. Also the palette listed on
 *   `billingone-reconciliation`.
 * @csspart section - each settings section. @csspart button - buttons. @csspart progress - sync progress.
 */
export class SettingsElement extends B1rElement {
  static override styles = [baseStyles, settingsStyles];

  @state() private reloads = 0;

  private readonly integrationsTask = new Task(this, {
    args: () => [this.readyBase, this.reloads, this.may('admin')] as const,
    task: async ([apiBase, , admin], { signal }) => {
      // Not asked at all without the admin role: the answer would only be a 403.
      if (!apiBase || !admin) return initialState;
      return this.api.get<Integration[]>('/integrations', undefined, signal).catch((error) => {
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
    return html`<section class="settings" aria-labelledby="title">
      <h2 id="title">BillingOne Reconcile settings</h2>
      ${this.waitingForToken ? renderNoToken() : !this.may('admin')
        ? html`<div role="alert">${renderEmpty('Admins only', html`<span class="muted">Ask an administrator to change the integrations, mapping and counting rules.</span>`)}</div>`
        : this.integrationsTask.render({
        pending: () => (this.integrationsTask.value ? this.renderSections(this.integrationsTask.value) : renderPending('Loading settings…')),
        error: (error) => renderError(error, () => this.reload(), { 403: 'Admins only: ask an administrator to change these settings.' }),
        complete: (integrations) => this.renderSections(integrations),
      })}
    </section>`;
  }

  private renderSections(integrations: Integration[]): TemplateResult {
    const order = { panelone: 0, pax8: 1 };
    const sorted = [...integrations].sort((a, b) => (order[a.kind] ?? 9) - (order[b.kind] ?? 9));
    return html`<h3 class="section-title">Integrations</h3>
      <div class="integrations" @b1r-integration-saved=${() => this.reload()}>
        ${sorted.map((integration) => html`<b1r-integration-form .integration=${integration}
          .apiBase=${this.apiBase} .contextToken=${this.contextToken}></b1r-integration-form>`)}
      </div>
      <b1r-client-mapping .apiBase=${this.apiBase} .contextToken=${this.contextToken}></b1r-client-mapping>
      <b1r-product-mapping .apiBase=${this.apiBase} .contextToken=${this.contextToken}></b1r-product-mapping>
      <b1r-psa-billing .apiBase=${this.apiBase} .contextToken=${this.contextToken}></b1r-psa-billing>
      <b1r-counting-rules .apiBase=${this.apiBase} .contextToken=${this.contextToken}></b1r-counting-rules>
      <b1r-action-settings .apiBase=${this.apiBase} .contextToken=${this.contextToken}></b1r-action-settings>
      <b1r-alert-channels .apiBase=${this.apiBase} .contextToken=${this.contextToken}></b1r-alert-channels>`;
  }
}
