import { html, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { B1rElement } from '../shared/base-element.js';
import { baseStyles } from '../shared/base.styles.js';
import { errorMessage, renderEmpty, renderError, renderPending } from '../shared/states.js';
import type { CatalogProduct } from '../shared/types.js';
import { settingsStyles } from './settings.styles.js';
import { announceReconciliationChanged } from '../shared/events.js';

/** Which Pax8 products count as per-device licences (internal to `billingone-settings`). */
export class ProductMappingElement extends B1rElement {
  static override styles = [baseStyles, settingsStyles];

  @state() private reloads = 0;
  @state() private message = '';

  private readonly productsTask = new Task(this, {
    args: () => [this.readyBase, this.reloads] as const,
    task: async ([apiBase], { signal }) => {
      if (!apiBase) return initialState;
      return this.api.get<{ items: CatalogProduct[] }>('/catalog/products', undefined, signal).catch((error) => {
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
    return html`<section class="panel" part="section" aria-labelledby="products-title">
      <h3 id="products-title">Per-device products</h3>
      <p class="muted">Ticked products are compared with device counts. <span role="status">${this.message}</span></p>
      ${this.productsTask.render({
        pending: () => renderPending(),
        error: (error) => renderError(error, () => this.reload()),
        complete: ({ items }) => items.length
          ? html`<div class="scroll" tabindex="0" role="region" aria-label="Per-device products"><table>
              <thead><tr><th scope="col">Per device</th><th scope="col">Product</th><th scope="col">Vendor</th><th scope="col">SKU</th></tr></thead>
              <tbody>${items.map((product) => html`<tr>
                <td><input type="checkbox" id="product-${product.productId}" .checked=${product.perDevice}
                  @change=${(event: Event) => this.toggle(product, event.target as HTMLInputElement)} /></td>
                <td><label for="product-${product.productId}">${product.name}</label>
                  ${product.suggested ? html`<span class="badge suggested">suggested</span>` : ''}</td>
                <td>${product.vendorName}</td><td class="mono">${product.sku}</td></tr>`)}</tbody>
            </table></div>`
          : renderEmpty('No products yet', html`<span class="muted">Run a catalog sync.</span>`),
      })}
    </section>`;
  }

  private async toggle(product: CatalogProduct, checkbox: HTMLInputElement): Promise<void> {
    const perDevice = checkbox.checked;
    try {
      await this.api.put(`/catalog/products/${encodeURIComponent(product.productId)}`, { perDevice });
      product.perDevice = perDevice;
      this.message = `${product.name}: ${perDevice ? 'counts' : 'does not count'} as a per-device license. The latest snapshot was re-reconciled as a new version.`;
      announceReconciliationChanged({ tool: 'product-flag', runId: '' });
    } catch (error) {
      this.noteError(error);
      checkbox.checked = !perDevice;
      this.message = `Could not save ${product.name}: ${errorMessage(error)}`;
    }
  }
}

if (!customElements.get('b1r-product-mapping')) customElements.define('b1r-product-mapping', ProductMappingElement);

declare global {
  interface HTMLElementTagNameMap {
    'b1r-product-mapping': ProductMappingElement;
  }
}
